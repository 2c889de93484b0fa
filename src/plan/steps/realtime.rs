//! Supabase Realtime: a table's membership of the `supabase_realtime` publication.

use super::{table_addr, B};
use crate::model::QName;
use crate::plan::ddl;
use crate::plan::rules::Rule;

/// Add `table` to the publication (`realtime = true`) or remove it (`false`). After the
/// table exists, in the transaction: publication membership is catalog-only, no rows move.
pub(super) fn set(table: &QName, realtime: bool) -> B {
    let b = B::new(
        40,
        if realtime {
            format!("add {table} to Supabase Realtime")
        } else {
            format!("remove {table} from Supabase Realtime")
        },
    )
    .refs([table_addr(table)])
    .sql(ddl::set_realtime(table, realtime));
    if realtime {
        b.rule(
            Rule::S020,
            "clients subscribed to the table receive its inserts, updates and deletes (as RLS lets them read the rows)",
        )
    } else {
        b.rule(
            Rule::C115,
            "clients subscribed to the table stop receiving its changes",
        )
    }
}
