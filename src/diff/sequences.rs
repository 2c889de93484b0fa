//! Sequences: created (their owner set once the table exists), altered in place (type,
//! options, owner), dropped only when owned. Identity columns' sequences are compared
//! with their column.

use super::{Change, Differ};
use crate::model::{Address, Model};

impl Differ<'_> {
    pub(super) fn sequences(&mut self, desired: &Model, live: &Model) {
        let (live_implied, desired_implied) =
            (live.implied_sequences(), desired.implied_sequences());
        // A serial column's sequence that becomes a block of its own (or the reverse) is
        // the same sequence: altered, not created or dropped.
        for (name, s) in &desired.sequences {
            match live
                .sequences
                .get(name)
                .cloned()
                .or_else(|| live_implied.get(name).cloned())
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
            match desired_implied.get(name) {
                Some(d) if d != l => self.push(Change::AlterSequence {
                    from: l.clone(),
                    to: d.clone(),
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
