//! Table inheritance (`INHERITS`): a child's inherited columns and checks are its
//! parents'. A column moves between the two without a step when the parent drops it with
//! `ONLY` (the children keep it as their own) or the child stops inheriting (it keeps the
//! columns it had), and merges into the parent's when the child starts inheriting.

use super::{Change, Differ};
use crate::model::{Column, Model, QName, Table};
use std::collections::BTreeSet;

/// The columns `t` inherits in `m`: its parents' (own and inherited), by name.
pub(crate) fn inherited_columns<'a>(m: &'a Model, t: &Table) -> Vec<&'a Column> {
    let mut out: Vec<&Column> = Vec::new();
    let mut seen: BTreeSet<&QName> = BTreeSet::new();
    let mut stack: Vec<&QName> = t.inherits.iter().collect();
    while let Some(q) = stack.pop() {
        if !seen.insert(q) {
            continue;
        }
        let Some(p) = m.tables.get(q) else { continue };
        for c in &p.columns {
            if !out.iter().any(|o| o.name == c.name) {
                out.push(c);
            }
        }
        stack.extend(p.inherits.iter());
    }
    out
}

/// The columns to compare for a child table: a column it inherits live and will own (the
/// parent drops it with `ONLY`, or the child stops inheriting) compares as it is in the
/// parent, and one left behind by a parent it stops inheriting from is dropped; one it
/// owns live and will inherit (it starts inheriting, or the parent adds it) merges and is
/// not dropped.
pub(super) fn adjust(
    desired: &Model,
    live: &Model,
    l: &Table,
    t: &Table,
    lcols: &mut Vec<Column>,
    tcols: &[Column],
) {
    if l.inherits.is_empty() && t.inherits.is_empty() {
        return;
    }
    let will_inherit = inherited_columns(desired, t);
    // What the parents it keeps give it (as they are live): a column of theirs the parent
    // drops goes from the child with it.
    let kept = Table {
        inherits: l
            .inherits
            .iter()
            .filter(|p| t.inherits.contains(p))
            .cloned()
            .collect(),
        ..Table::new(l.name.clone())
    };
    let kept = inherited_columns(live, &kept);
    // Inherited columns come first in a child, as Postgres lays them out.
    let mut first: Vec<Column> = Vec::new();
    for c in inherited_columns(live, l) {
        let declared = tcols.iter().any(|x| x.name == c.name);
        let stays_inherited = will_inherit.iter().any(|x| x.name == c.name);
        let goes_with_parent = kept.iter().any(|x| x.name == c.name);
        if lcols.iter().any(|x| x.name == c.name) || stays_inherited {
            continue;
        }
        // Declared: the child owns it from now on. Not declared, from a parent it stops
        // inheriting: it stays behind as the child's own, so it is dropped from it.
        if declared || !goes_with_parent {
            first.push(c.clone());
        }
    }
    first.append(lcols);
    *lcols = first;
    lcols.retain(|c| {
        tcols.iter().any(|x| x.name == c.name) || !will_inherit.iter().any(|x| x.name == c.name)
    });
}

impl Differ<'_> {
    /// Parents a table stops inheriting from (`NO INHERIT`, first) and starts inheriting
    /// from (`INHERIT`, once both have every column and check it needs).
    pub(super) fn inheritance(&mut self, l: &Table, t: &Table) {
        for p in l.inherits.iter().filter(|p| !t.inherits.contains(p)) {
            self.push(Change::NoInherit {
                table: t.name.clone(),
                parent: p.clone(),
            });
        }
        for p in t.inherits.iter().filter(|p| !l.inherits.contains(p)) {
            self.push(Change::Inherit {
                table: t.name.clone(),
                parent: p.clone(),
            });
        }
    }
}
