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

/// `inherits = [table.base, …]`: table inheritance (`INHERITS`). The child's inherited
/// columns and checks are its parents': it declares only its own.
pub(super) fn lower_inherits(lw: &mut Lowerer, b: &Blk, addr: &Address, t: &mut Table) {
    let Some(v) = lw.val(b, "inherits") else {
        return;
    };
    let Value::List(items) = v.value else {
        lw.wrong_type(&v, "inherits", "a list of references such as [table.NAME]");
        return;
    };
    for it in items {
        match &it.value {
            Value::Ref(r) => {
                if let Some(a @ Address::Table(_)) = lw.resolve(r, &it.span, &["table"]) {
                    lw.dep(addr, a.clone(), &it.span);
                    if let Address::Table(q) = a {
                        if q == t.name {
                            lw.push(
                                Diag::new(
                                    "config::invalid_reference",
                                    format!("table {} cannot inherit from itself", t.name),
                                )
                                .at(&it.span, "the table itself"),
                            );
                        } else if !t.inherits.contains(&q) {
                            t.inherits.push(q);
                        }
                    }
                }
            }
            _ => lw.push(
                Diag::new(
                    "config::wrong_type",
                    "each item of `inherits` must be a reference such as table.NAME",
                )
                .at(&it.span, "not a table reference"),
            ),
        }
    }
    if !t.inherits.is_empty() && (t.partition_of.is_some() || t.partition_by.is_some()) {
        let at = b
            .attr("inherits")
            .map(|a| attr_span(a, b.file))
            .unwrap_or(b.head.clone());
        lw.push(
            Diag::new(
                "config::conflicting_attributes",
                "`inherits` with partitioning",
            )
            .at(&at, "inheritance and partitioning")
            .help("Postgres does not mix table inheritance with partitioning: remove one"),
        );
        t.inherits.clear();
    }
}
