//! Table inheritance: a table that stops inheriting goes first (it keeps the columns it
//! inherited, as its own), one that starts inheriting goes last, once it and its new
//! parent have every column and check Postgres requires them to share.

use super::{populated, rows_note, table_addr, B};
use crate::model::QName;
use crate::plan::rules::Rule;
use crate::plan::Context;

pub(super) fn no_inherit(ctx: &Context, table: &QName, parent: &QName) -> B {
    let mut b = B::new(0, format!("stop {table} inheriting from {parent}"))
        .refs([table_addr(table)])
        .sql(format!(
            "ALTER TABLE {} NO INHERIT {}",
            table.sql(),
            parent.sql()
        ))
        .rule(
            Rule::C122,
            format!(
                "queries on {parent} no longer return the rows of {table} ({}); it keeps its columns",
                rows_note(ctx, table)
            ),
        );
    b.rows_of = Some(table.clone());
    b
}

pub(super) fn inherit(ctx: &Context, table: &QName, parent: &QName) -> B {
    let what = if populated(ctx, table) {
        format!(
            "queries on {parent} now return the rows of {table} too ({})",
            rows_note(ctx, table)
        )
    } else {
        format!("queries on {parent} now return the rows of {table} too")
    };
    let mut b = B::new(64, format!("make {table} inherit from {parent}"))
        .refs([table_addr(table), table_addr(parent)])
        .sql(format!(
            "ALTER TABLE {} INHERIT {}",
            table.sql(),
            parent.sql()
        ))
        .rule(
            Rule::C122,
            format!("{what}; Postgres refuses unless it has every column and check of {parent}"),
        );
    b.rows_of = Some(table.clone());
    b
}
