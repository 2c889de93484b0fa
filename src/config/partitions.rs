//! A table's partitioning: `partition_by` on a partitioned table, `partition_of` and
//! `partition_bound` on each of its partitions.

use super::diag::Diag;
use super::lower::{attr_span, Blk, Lowerer};
use super::Value;
use crate::model::{Address, PartitionOf, Table};

/// `partition_by = "range (created_at)"`, `partition_of = table.events` and
/// `partition_bound = "for values from ('2024-01-01') to ('2025-01-01')"` (or
/// `"default"`). Postgres checks the key and the bound when the configuration is
/// normalised. Called before the table's columns are lowered.
pub(super) fn lower_partitioning(lw: &mut Lowerer, b: &Blk, addr: &Address, t: &mut Table) {
    t.partition_by = lw.string(b, "partition_by").map(|s| s.0);
    let bound = lw.string(b, "partition_bound");
    let parent = if b.attr("partition_of").is_some() {
        match lw.reference(b, "partition_of") {
            Some((Value::Ref(r), span)) => match lw.resolve(&r, &span, &["table"]) {
                Some(a @ Address::Table(_)) => {
                    lw.dep(addr, a.clone(), &span);
                    match a {
                        Address::Table(q) => Some((q, span)),
                        _ => None,
                    }
                }
                _ => None,
            },
            Some((Value::String(s), span)) => {
                lw.push(
                    Diag::new(
                        "config::string_reference",
                        format!("`{s}` is a string: partition_of takes a reference"),
                    )
                    .at(&span, "string form")
                    .help("write partition_of = table.NAME"),
                );
                None
            }
            _ => None,
        }
    } else {
        None
    };
    match (parent, bound) {
        (Some((parent, span)), Some((bound, _))) => {
            if parent == t.name {
                lw.push(
                    Diag::new(
                        "config::invalid_reference",
                        format!("table {} cannot be a partition of itself", t.name),
                    )
                    .at(&span, "the table itself"),
                );
                return;
            }
            t.partition_of = Some(PartitionOf { parent, bound });
        }
        (Some(_), None) => lw.missing(
            b,
            "partition_bound",
            "\"for values from ('2024-01-01') to ('2025-01-01')\"",
        ),
        (None, Some((_, span))) if b.attr("partition_of").is_none() => {
            let at = b
                .attr("partition_bound")
                .map(|a| attr_span(a, b.file))
                .unwrap_or(span);
            lw.push(
                Diag::new(
                    "config::conflicting_attributes",
                    "`partition_bound` without `partition_of`",
                )
                .at(&at, "bound of no partitioned table")
                .help("add partition_of = table.PARENT, or remove the bound"),
            );
        }
        _ => {}
    }
}

/// A partition declares no columns: they are its parent's.
pub(super) fn check_no_columns(lw: &mut Lowerer, b: &Blk, t: &Table) {
    if t.partition_of.is_none() {
        return;
    }
    for nb in b
        .blocks
        .iter()
        .filter(|nb| nb.ident.value().as_str() == "column")
    {
        let cb = Blk::new(nb, b.file);
        lw.push(
            Diag::new(
                "config::partition_column",
                format!("partition {} declares a column", t.name),
            )
            .at(&cb.head, "column of a partition")
            .help("a partition has its parent's columns: declare them on the partitioned table"),
        );
    }
}
