//! Partitions: a new one, one attached to a partitioned table, one detached from it.

use super::{populated, rows_note, table_addr, B};
use crate::model::{Model, PartitionOf, QName, Table};
use crate::plan::ddl;
use crate::plan::rules::Rule;
use crate::plan::Context;

/// The `DEFAULT` partition of `parent` in `m`, if it has one.
pub fn default_partition<'a>(m: &'a Model, parent: &'a QName) -> Option<&'a QName> {
    m.partitions_of(parent)
        .find(|p| {
            p.partition_of
                .as_ref()
                .is_some_and(|o| o.bound.eq_ignore_ascii_case("default"))
        })
        .map(|p| &p.name)
}

/// What creating partition `t` must check: the rows of its parent's default partition,
/// which may not hold rows of the new bound.
pub(super) fn create(ctx: &Context, t: &Table, p: &PartitionOf, b: B) -> B {
    let b = b.refs([table_addr(&p.parent)]);
    match default_partition(ctx.live, &p.parent).filter(|d| **d != t.name) {
        Some(d) if populated(ctx, d) => {
            let mut b = b.rule(
                Rule::C120,
                format!(
                    "the default partition {d} is scanned: the step fails if it holds rows of the new bound ({})",
                    rows_note(ctx, d)
                ),
            );
            b.rows_of = Some(d.clone());
            b
        }
        _ => b.rule(Rule::S001, "a new, empty partition"),
    }
}

/// `ALTER TABLE parent ATTACH PARTITION …`, once the table's columns match the parent's:
/// after every column change of both, the late drops of columns included (tier 59).
pub(super) fn attach(ctx: &Context, table: &QName, to: &PartitionOf) -> B {
    let mut b = B::new(
        64,
        format!(
            "attach {table} to {} as a partition ({})",
            to.parent, to.bound
        ),
    )
    .refs([table_addr(table), table_addr(&to.parent)])
    .sql(ddl::attach_partition(table, to));
    if populated(ctx, table) {
        b = b.rule(
            Rule::C120,
            format!(
                "every row of {table} is checked against the bound ({}); the step fails on one outside it",
                rows_note(ctx, table)
            ),
        );
        b.rows_of = Some(table.clone());
    } else {
        b = b.rule(Rule::S024, "the table is empty");
    }
    b
}

/// `ALTER TABLE parent DETACH PARTITION …`, before anything else changes the table.
pub(super) fn detach(ctx: &Context, table: &QName, parent: &QName) -> B {
    let mut b = B::new(0, format!("detach partition {table} from {parent}"))
        .refs([table_addr(table)])
        .sql(ddl::detach_partition(table, parent))
        .rule(
            Rule::C120,
            format!(
                "its rows ({}) no longer appear in {parent}, which stops accepting rows of its bound",
                rows_note(ctx, table)
            ),
        );
    b.rows_of = Some(table.clone());
    b
}
