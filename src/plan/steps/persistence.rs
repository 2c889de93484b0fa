//! Whether a table is written to the WAL: `ALTER TABLE … SET UNLOGGED | SET LOGGED`.

use super::{populated, rows_note, table_addr, B};
use crate::model::QName;
use crate::plan::rules::Rule;
use crate::plan::Context;

/// Both directions rewrite the table under its lock. An unlogged table is emptied by the
/// crash recovery after a server crash and is not copied to replicas (nor to Supabase's
/// read replicas); a table made logged again writes every row to the WAL.
pub(super) fn set(ctx: &Context, table: &QName, unlogged: bool) -> B {
    let (verb, what) = if unlogged {
        (
            "UNLOGGED",
            "its rows are no longer written to the WAL: a server crash empties it, and replicas do not receive them",
        )
    } else {
        ("LOGGED", "every row is written to the WAL again")
    };
    let mut b = B::new(36, format!("make {table} {}", verb.to_ascii_lowercase()))
        .refs([table_addr(table)])
        .sql(format!("ALTER TABLE {} SET {verb}", table.sql()));
    let rewrite = if populated(ctx, table) {
        format!(
            "; the table is rewritten under its lock ({})",
            rows_note(ctx, table)
        )
    } else {
        String::new()
    };
    b = b.rule(Rule::C121, format!("{what}{rewrite}"));
    b.rows_of = Some(table.clone());
    b
}
