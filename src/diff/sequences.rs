//! Sequences: created (their owner set once the table exists), altered in place (type,
//! options, owner), dropped only when owned. Identity columns' sequences are compared
//! with their column.

use super::{Change, Differ};
use crate::model::{Address, Model};

impl Differ<'_> {
    pub(super) fn sequences(&mut self, desired: &Model, live: &Model) {
        // A serial column's sequence that becomes a block of its own (or the reverse) is
        // the same sequence: altered, not created or dropped.
        for (name, s) in &desired.sequences {
            match live
                .sequences
                .get(name)
                .cloned()
                .or_else(|| live.implied_sequence(name))
            {
                None => self.push(Change::CreateSequence(s.clone())),
                Some(l) if l != *s => self.push(Change::AlterSequence {
                    from: l,
                    to: s.clone(),
                }),
                Some(_) => {}
            }
        }
        for (name, l) in &live.sequences {
            if desired.sequences.contains_key(name) {
                continue;
            }
            match desired.implied_sequence(name) {
                Some(d) if d != *l => self.push(Change::AlterSequence {
                    from: l.clone(),
                    to: d,
                }),
                Some(_) => {}
                None => self.extra(
                    Address::Sequence(name.clone()),
                    Change::DropSequence(l.clone()),
                ),
            }
        }
    }
}
