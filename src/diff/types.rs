//! Domains and composite types: created, altered where Postgres can (a domain's default,
//! NOT NULL and checks; a composite type's attributes), dropped only when owned.

use super::{Change, Differ};
use crate::model::{creation_order, Address, Model, UserType};

impl Differ<'_> {
    /// New domains and composite types, in an order Postgres can create them.
    pub(super) fn new_types(&mut self, desired: &Model, live: &Model) {
        let domains = desired
            .domains
            .values()
            .filter(|d| !live.domains.contains_key(&d.name));
        let composites = desired
            .composite_types
            .values()
            .filter(|t| !live.composite_types.contains_key(&t.name));
        for t in creation_order(domains, composites) {
            self.push(match t {
                UserType::Domain(d) => Change::CreateDomain(d.clone()),
                UserType::Composite(c) => Change::CreateCompositeType(c.clone()),
            });
        }
    }

    pub(super) fn domains(&mut self, desired: &Model, live: &Model) {
        for (name, d) in &desired.domains {
            match live.domains.get(name) {
                None => {}
                Some(l) if l != d => self.push(Change::AlterDomain {
                    from: l.clone(),
                    to: d.clone(),
                }),
                Some(_) => {}
            }
        }
        for (name, l) in &live.domains {
            if !desired.domains.contains_key(name) {
                self.extra(Address::Domain(name.clone()), Change::DropDomain(l.clone()));
            }
        }
    }

    pub(super) fn composite_types(&mut self, desired: &Model, live: &Model) {
        for (name, t) in &desired.composite_types {
            match live.composite_types.get(name) {
                None => {}
                Some(l) if l != t => self.push(Change::AlterCompositeType {
                    from: l.clone(),
                    to: t.clone(),
                }),
                Some(_) => {}
            }
        }
        for (name, l) in &live.composite_types {
            if !desired.composite_types.contains_key(name) {
                self.extra(
                    Address::CompositeType(name.clone()),
                    Change::DropCompositeType(l.clone()),
                );
            }
        }
    }
}
