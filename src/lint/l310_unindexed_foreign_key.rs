//! L310 (info): a foreign key whose columns are not the leading columns of any index,
//! primary key or unique constraint of its table (Supabase's
//! `0001_unindexed_foreign_keys`), and a table without a primary key
//! (`0004_no_primary_key`).
//!
//! The leading columns may come in any order (`(b, a)` covers a key on `(a, b)`). Partial
//! indexes, expression parts and methods other than btree (or a one-column hash index) do
//! not cover a key: Postgres cannot use them for the lookups a delete of the referenced
//! row makes.

use super::{Ctx, Rule};
use crate::model::{Address, IndexPart, Table};
use std::collections::BTreeSet;

pub(super) fn check(cx: &mut Ctx<'_>) {
    for t in cx.model.tables.values() {
        let label = Ctx::label(&t.name);
        // A partition has its parent's primary key, or lacks it with the parent (which is
        // reported).
        if t.primary_key.is_none() && !t.is_partition() {
            // With a replica identity of its own, a published table still replicates.
            let publication = if matches!(
                t.replica_identity,
                Some(crate::model::ReplicaIdentity::Full | crate::model::ReplicaIdentity::Index(_))
            ) {
                ""
            } else {
                ", and once the table is in a publication (Realtime, replication) its updates \
                 and deletes fail"
            };
            let message = format!(
                "table `{}` has no primary key: nothing identifies a row, so duplicates go \
                 unnoticed, clients cannot update or delete one row reliably{publication}",
                t.name
            );
            let help = format!(
                "add primary_key = [\"id\"] to table \"{label}\" (for example with an id column \
                 of type \"uuid\" and default = sql(\"gen_random_uuid()\"))"
            );
            cx.report(
                Rule::L310,
                Address::Table(t.name.clone()),
                message,
                Some(help),
            );
        }
        for fk in &t.foreign_keys {
            if fk.columns.is_empty() || covered(t, &fk.columns) {
                continue;
            }
            let cols = fk.columns.join(", ");
            let message = format!(
                "foreign key `{}` of table `{}` ({cols}) has no index whose leading columns are \
                 {cols}: every delete or key update in `{}` scans `{}` for referencing rows, and \
                 joins on the key are slow",
                fk.name, t.name, fk.ref_table, t.name
            );
            let quoted: Vec<String> = fk.columns.iter().map(|c| format!("\"{c}\"")).collect();
            let help = format!(
                "add index \"{}_{}_idx\" {{ columns = [{}] }} to table \"{label}\"",
                t.name.name,
                fk.columns.join("_"),
                quoted.join(", ")
            );
            cx.report(
                Rule::L310,
                Address::TablePart(t.name.clone(), "foreign_key", fk.name.clone()),
                message,
                Some(help),
            );
        }
    }
}

/// True when some index, the primary key or a unique constraint of `t` has `columns` as its
/// leading columns.
fn covered(t: &Table, columns: &[String]) -> bool {
    let want: BTreeSet<&str> = columns.iter().map(String::as_str).collect();
    let n = columns.len();
    let leads = |cols: &[String]| {
        cols.len() >= n
            && cols[..n]
                .iter()
                .map(String::as_str)
                .collect::<BTreeSet<_>>()
                == want
    };
    if t.primary_key.as_ref().is_some_and(|pk| leads(&pk.columns)) {
        return true;
    }
    if t.uniques.iter().any(|u| leads(&u.columns)) {
        return true;
    }
    t.indexes.iter().any(|i| {
        let method = i.method.to_ascii_lowercase();
        let usable = method == "btree" || (method == "hash" && i.parts.len() == 1);
        if !usable || i.predicate.is_some() {
            return false;
        }
        let cols: Option<Vec<String>> = i
            .parts
            .iter()
            .take(n)
            .map(|p| match p {
                IndexPart::Column(c) => Some(c.clone()),
                IndexPart::Expression(_) => None,
            })
            .collect();
        cols.is_some_and(|c| leads(&c))
    })
}

#[cfg(test)]
mod tests {
    use crate::lint::testing::{findings, messages};
    use crate::lint::Rule;

    fn tables(child_extra: &str) -> String {
        format!(
            r#"
table "teams" {{
  column "id" {{ type = "uuid" }}
  primary_key = ["id"]
}}
table "members" {{
  column "id" {{ type = "uuid" }}
  column "team_id" {{ type = "uuid" }}
  column "role" {{ type = "text" }}
  primary_key = ["id"]
  foreign_key "members_team_id_fkey" {{
    columns    = ["team_id"]
    references = table.teams
  }}
  {child_extra}
}}
"#
        )
    }

    #[test]
    fn fires_on_an_unindexed_foreign_key() {
        let f = findings(Rule::L310, &tables(""));
        assert_eq!(f.len(), 1);
        assert_eq!(
            f[0].address,
            "table.public.members.foreign_key.members_team_id_fkey"
        );
        assert_eq!(
            f[0].message,
            "foreign key `members_team_id_fkey` of table `public.members` (team_id) has no \
             index whose leading columns are team_id: every delete or key update in \
             `public.teams` scans `public.members` for referencing rows, and joins on the key \
             are slow"
        );
        assert_eq!(
            f[0].help.as_deref(),
            Some("add index \"members_team_id_idx\" { columns = [\"team_id\"] } to table \"members\"")
        );
    }

    #[test]
    fn fires_on_a_table_without_primary_key() {
        let hcl = r#"
table "events" {
  column "at" { type = "timestamptz" }
}
"#;
        assert_eq!(
            messages(Rule::L310, hcl),
            [
                "table.public.events: table `public.events` has no primary key: nothing \
              identifies a row, so duplicates go unnoticed, clients cannot update or delete one \
              row reliably, and once the table is in a publication (Realtime, replication) its \
              updates and deletes fail"
            ]
        );
    }

    #[test]
    fn a_partition_is_not_reported_apart_from_its_parent() {
        let hcl = r#"
table "events" {
  partition_by = "range (at)"
  column "at" { type = "timestamptz" }
}
table "events_2024" {
  partition_of    = table.events
  partition_bound = "for values from ('2024-01-01') to ('2025-01-01')"
}
"#;
        let got = messages(Rule::L310, hcl);
        assert_eq!(got.len(), 1, "{got:?}");
        assert!(got[0].starts_with("table.public.events: "), "{got:?}");
    }

    #[test]
    fn a_table_with_a_replica_identity_of_its_own_still_replicates() {
        let hcl = r#"
table "events" {
  column "at" { type = "timestamptz" }
  replica_identity = "full"
}
"#;
        assert_eq!(
            messages(Rule::L310, hcl),
            [
                "table.public.events: table `public.events` has no primary key: nothing \
              identifies a row, so duplicates go unnoticed, clients cannot update or delete one \
              row reliably"
            ]
        );
    }

    #[test]
    fn quiet_when_an_index_or_constraint_leads_with_the_columns() {
        for extra in [
            "index \"m_team\" { columns = [\"team_id\"] }",
            "index \"m_team_role\" { columns = [\"team_id\", \"role\"] }",
            "unique \"m_team_role_key\" { columns = [\"team_id\", \"role\"] }",
        ] {
            assert!(findings(Rule::L310, &tables(extra)).is_empty(), "{extra}");
        }
        // Near misses: not leading, partial, or gin.
        for extra in [
            "index \"m_role_team\" { columns = [\"role\", \"team_id\"] }",
            "index \"m_team\" {\n columns = [\"team_id\"]\n where = \"role = 'owner'\"\n }",
            "index \"m_team\" {\n columns = [\"team_id\"]\n method = \"gin\"\n }",
        ] {
            assert_eq!(findings(Rule::L310, &tables(extra)).len(), 1, "{extra}");
        }
    }
}
