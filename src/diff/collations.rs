//! Collations: created, dropped when owned, and replaced (dropped and created again) when
//! their provider or locale changes — Postgres cannot alter them, and refuses the drop
//! while a column or domain uses one.

use super::{Change, Differ};
use crate::model::{Address, Model};

impl Differ<'_> {
    pub(super) fn collations(&mut self, desired: &Model, live: &Model) {
        for (name, c) in &desired.collations {
            match live.collations.get(name) {
                None => self.push(Change::CreateCollation(c.clone())),
                Some(l) if l != c => self.push(Change::AlterCollation {
                    from: l.clone(),
                    to: c.clone(),
                }),
                Some(_) => {}
            }
        }
        for (name, l) in &live.collations {
            if !desired.collations.contains_key(name) {
                self.extra(
                    Address::Collation(name.clone()),
                    Change::DropCollation(l.clone()),
                );
            }
        }
    }
}
