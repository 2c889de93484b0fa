//! Domains and composite types: the user-defined types besides enums that real projects
//! declare (`create domain app.valid_name as text check (…)`, `create type
//! pgflow.step_task_record as (…)`), used as column, argument and return types.

use super::{Check, Keyed, QName};
use serde::{Deserialize, Serialize};

/// `CREATE DOMAIN name AS base [COLLATE c] [DEFAULT e] [NOT NULL] [CONSTRAINT n CHECK (…)]…`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Domain {
    pub name: QName,
    /// The base type as Postgres prints it (`text`, `character varying(64)`, `app.semver`).
    pub base_type: String,
    /// Whether NULL is a value of the domain (Postgres' default).
    pub nullable: bool,
    /// The default expression, as Postgres prints it.
    pub default: Option<String>,
    /// Check constraints (`VALUE ~ '^…$'`), by name.
    pub checks: Vec<Check>,
    pub collation: Option<String>,
    pub comment: Option<String>,
}

/// One attribute of a composite type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Attribute {
    pub name: String,
    pub data_type: String,
}

/// `CREATE TYPE name AS (attribute type, …)`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CompositeType {
    pub name: QName,
    pub attributes: Vec<Attribute>,
    pub comment: Option<String>,
}

impl Keyed for Domain {
    type Key = QName;
    fn key(&self) -> QName {
        self.name.clone()
    }
}

impl Keyed for CompositeType {
    type Key = QName;
    fn key(&self) -> QName {
        self.name.clone()
    }
}

/// A user type of the model: a domain or a composite type.
#[derive(Debug, Clone, Copy)]
pub enum UserType<'a> {
    Domain(&'a Domain),
    Composite(&'a CompositeType),
}

impl UserType<'_> {
    pub fn name(&self) -> &QName {
        match self {
            UserType::Domain(d) => &d.name,
            UserType::Composite(t) => &t.name,
        }
    }

    /// The type names it is built from, as written.
    fn uses(&self) -> Vec<&str> {
        match self {
            UserType::Domain(d) => vec![d.base_type.as_str()],
            UserType::Composite(t) => t.attributes.iter().map(|a| a.data_type.as_str()).collect(),
        }
    }
}

/// Domains and composite types in an order Postgres can create them: each after the
/// others its base type or attributes name (a domain over a composite type, a composite
/// type with a domain attribute); otherwise domains first, by name.
pub fn creation_order<'a>(
    domains: impl IntoIterator<Item = &'a Domain>,
    composites: impl IntoIterator<Item = &'a CompositeType>,
) -> Vec<UserType<'a>> {
    let mut pending: Vec<UserType<'a>> = domains
        .into_iter()
        .map(UserType::Domain)
        .chain(composites.into_iter().map(UserType::Composite))
        .collect();
    let names = |t: &UserType| {
        let q = t.name();
        [format!("{}.{}", q.schema, q.name), q.sql()]
    };
    let mentions = |user: &UserType, other: &UserType| {
        let ns = names(other);
        user.uses().iter().any(|u| {
            let u = u.trim().trim_end_matches("[]");
            ns.iter().any(|n| u == n)
        })
    };
    let mut out = Vec::new();
    while !pending.is_empty() {
        let ready = pending
            .iter()
            .position(|t| {
                !pending
                    .iter()
                    .any(|o| o.name() != t.name() && mentions(t, o))
            })
            .unwrap_or(0); // a cycle: Postgres names it
        out.push(pending.remove(ready));
    }
    out
}
