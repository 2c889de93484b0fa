//! Partitioned tables and their partitions: what cannot change in place is rebuilt, and a
//! table moving into or out of a partitioned table is attached or detached.

use super::{Change, Differ};
use crate::model::*;
use std::collections::BTreeSet;

/// Tables whose partitioning changes (`partition_by` differs: Postgres cannot alter it),
/// with the live partitions under them, which go with them. Only tables both sides hold.
pub(super) fn rebuilt(desired: &Model, live: &Model) -> BTreeSet<QName> {
    let mut out: BTreeSet<QName> = desired
        .tables
        .iter()
        .filter(|(name, t)| {
            live.tables
                .get(*name)
                .is_some_and(|l| l.partition_by != t.partition_by)
        })
        .map(|(name, _)| name.clone())
        .collect();
    // Partitions below them, at any depth.
    loop {
        let more: Vec<QName> = live
            .tables
            .values()
            .filter(|t| !out.contains(&t.name))
            .filter(|t| {
                t.partition_of
                    .as_ref()
                    .is_some_and(|p| out.contains(&p.parent))
            })
            .map(|t| t.name.clone())
            .collect();
        if more.is_empty() {
            break;
        }
        out.extend(more);
    }
    out
}

/// `live` as it is once the `rebuilt` tables are dropped: without them, what lives on them
/// (policies, triggers, grants) and the foreign keys of other tables that reference them,
/// which are dropped first (see [`Differ::drop_rebuilt`]) and added back.
pub(super) fn without(live: &Model, rebuilt: &BTreeSet<QName>) -> Model {
    let mut m = live.clone();
    m.tables.retain(|q, _| !rebuilt.contains(q));
    for t in m.tables.values_mut() {
        t.foreign_keys.retain(|fk| !rebuilt.contains(&fk.ref_table));
    }
    m.policies.retain(|(t, _), _| !rebuilt.contains(t));
    m.triggers.retain(|(t, _), _| !rebuilt.contains(t));
    m.grants
        .retain(|g| !matches!(&g.target, GrantTarget::Table(q) if rebuilt.contains(q)));
    m
}

impl Differ<'_> {
    /// The drops that start a rebuild: foreign keys of kept tables that reference a
    /// rebuilt one, then the rebuilt tables, partitions first.
    pub(super) fn drop_rebuilt(&mut self, live: &Model, rebuilt: &BTreeSet<QName>) {
        for t in live.tables.values().filter(|t| !rebuilt.contains(&t.name)) {
            for fk in t
                .foreign_keys
                .iter()
                .filter(|fk| rebuilt.contains(&fk.ref_table))
            {
                self.push(Change::DropForeignKey {
                    table: t.name.clone(),
                    fk: fk.clone(),
                });
            }
        }
        let mut tables: Vec<&Table> = rebuilt.iter().filter_map(|q| live.tables.get(q)).collect();
        tables.sort_by_key(|t| std::cmp::Reverse(live.partition_depth(t)));
        for t in tables {
            self.hint(
                &Address::Table(t.name.clone()),
                format!(
                    "table {} is dropped and created again: Postgres cannot change a table's partitioning (or that of the table it is a partition of) in place; its rows are backed up, not moved",
                    t.name
                ),
            );
            self.push(Change::DropTable(t.clone()));
        }
    }

    /// A table leaving a partitioned table is detached before its columns change; one
    /// joining it is attached after.
    pub(super) fn partition_of(&mut self, l: &Table, t: &Table) -> Option<Change> {
        if l.partition_of == t.partition_of {
            return None;
        }
        if let Some(from) = &l.partition_of {
            self.push(Change::DetachPartition {
                table: t.name.clone(),
                parent: from.parent.clone(),
            });
        }
        t.partition_of.as_ref().map(|to| Change::AttachPartition {
            table: t.name.clone(),
            to: to.clone(),
        })
    }
}

/// The columns a partition of a table with `parent` columns has: the same, without
/// identity (Postgres keeps that on the parent).
fn as_partition(parent: &[Column]) -> Vec<Column> {
    parent
        .iter()
        .map(|c| Column {
            identity: None,
            identity_sequence: None,
            ..c.clone()
        })
        .collect()
}

/// The live and desired columns of a table to compare: none for a partition that stays
/// one (its parent's are compared); for one leaving or joining a partitioned table, the
/// columns it has once detached, or what it must match before it is attached (the
/// parent's names, types, nullability and collations; its own defaults and comments).
pub(super) fn columns_to_compare(
    desired: &Model,
    live: &Model,
    l: &Table,
    t: &Table,
) -> (Vec<Column>, Vec<Column>) {
    match (l.is_partition(), t.is_partition()) {
        (true, true) => (vec![], vec![]),
        (true, false) => (as_partition(live.effective_columns(l)), t.columns.clone()),
        (false, true) => {
            let want = as_partition(desired.effective_columns(t))
                .into_iter()
                .map(|c| match l.column(&c.name) {
                    Some(own) => Column {
                        default: own.default.clone(),
                        comment: own.comment.clone(),
                        ..c
                    },
                    None => c,
                })
                .collect();
            (l.columns.clone(), want)
        }
        (false, false) => (l.columns.clone(), t.columns.clone()),
    }
}
