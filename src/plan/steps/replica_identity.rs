//! A table's replica identity: what its updates and deletes write to the WAL to identify
//! the old row (Realtime's old records, logical replication).

use super::{table_addr, B};
use crate::model::{QName, ReplicaIdentity};
use crate::plan::ddl;
use crate::plan::rules::Rule;
use crate::plan::{Context, Phase};

fn spelled(r: &Option<ReplicaIdentity>) -> String {
    r.as_ref()
        .map(ReplicaIdentity::spelled)
        .unwrap_or_else(|| "default".into())
}

/// `ALTER TABLE … REPLICA IDENTITY …`: catalog only, after the table and its indexes
/// exist. An index built concurrently by this plan is only there after the transaction,
/// so the step then follows it in that phase.
pub(super) fn set(
    ctx: &Context,
    table: &QName,
    from: &Option<ReplicaIdentity>,
    to: &Option<ReplicaIdentity>,
) -> B {
    let mut b = B::new(
        40,
        format!(
            "set the replica identity of {table} to {} (was {})",
            spelled(to),
            spelled(from)
        ),
    )
    .refs([table_addr(table)])
    .sql(ddl::set_replica_identity(table, to.as_ref()));
    if let Some(ReplicaIdentity::Index(i)) = to {
        let built_later = ctx.live.tables.get(table).is_some_and(|l| {
            !l.indexes.iter().any(|x| x.name == *i) && !l.uniques.iter().any(|u| u.name == *i)
        });
        if built_later {
            b = b.phase(Phase::Concurrent);
            b.tier = 90;
        }
    }
    match to {
        Some(ReplicaIdentity::Nothing) => b.rule(
            Rule::C117,
            "once the table is in a publication (Realtime), its updates and deletes fail",
        ),
        Some(ReplicaIdentity::Full) => b.rule(
            Rule::S022,
            "updates and deletes write the whole old row to the WAL (Realtime sends old records)",
        ),
        _ => b.rule(Rule::S022, "catalog only"),
    }
}
