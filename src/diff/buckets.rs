//! Storage buckets: created, updated in place, deleted when owned.

use super::{Change, Differ};
use crate::model::{Address, Model};

impl Differ<'_> {
    pub(super) fn buckets(&mut self, desired: &Model, live: &Model) {
        for (id, b) in &desired.buckets {
            match live.buckets.get(id) {
                None => self.push(Change::CreateBucket(b.clone())),
                Some(l) if l.declared() != b.declared() => self.push(Change::AlterBucket {
                    from: l.clone(),
                    to: b.clone(),
                }),
                Some(_) => {}
            }
        }
        for (id, l) in &live.buckets {
            if !desired.buckets.contains_key(id) {
                self.extra(Address::Bucket(id.clone()), Change::DeleteBucket(l.clone()));
            }
        }
    }
}
