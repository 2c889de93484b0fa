//! Canonical addresses: `table.public.profiles`, `policy.public.profiles.name`, …

use super::{GrantTarget, QName};
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Address {
    Schema(String),
    Extension(String),
    Enum(QName),
    Domain(QName),
    CompositeType(QName),
    Collation(QName),
    Sequence(QName),
    Table(QName),
    /// A part of a table: `kind` is `column`, `index`, `foreign_key`, `check`, `unique` or
    /// `primary_key` (whose name is empty).
    TablePart(QName, &'static str, String),
    Policy(QName, String),
    Grant(GrantTarget, String),
    Function(QName),
    Trigger(QName, String),
    View(QName),
    Secret(String),
    EdgeFunction(String),
    /// A storage bucket, by id.
    Bucket(String),
    /// What a role's new objects of one kind in one schema give a grantee
    /// (`ALTER DEFAULT PRIVILEGES`): owner, schema, kind, grantee.
    DefaultPrivileges(String, String, super::DefaultPrivilegeOn, String),
}

impl Address {
    /// The block kind the address belongs to (`table`, `policy`, …).
    pub fn kind(&self) -> &'static str {
        match self {
            Address::Schema(_) => "schema",
            Address::Extension(_) => "extension",
            Address::Enum(_) => "enum",
            Address::Domain(_) => "domain",
            Address::CompositeType(_) => "composite_type",
            Address::Collation(_) => "collation",
            Address::Sequence(_) => "sequence",
            Address::Table(_) | Address::TablePart(..) => "table",
            Address::Policy(..) => "policy",
            Address::Grant(..) => "grant",
            Address::Function(_) => "function",
            Address::Trigger(..) => "trigger",
            Address::View(_) => "view",
            Address::Secret(_) => "secret",
            Address::EdgeFunction(_) => "edge_function",
            Address::Bucket(_) => "bucket",
            Address::DefaultPrivileges(..) => "default_privileges",
        }
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Address::Schema(s) => write!(f, "schema.{s}"),
            Address::Extension(s) => write!(f, "extension.{s}"),
            Address::Enum(q) => write!(f, "enum.{q}"),
            Address::Domain(q) => write!(f, "domain.{q}"),
            Address::CompositeType(q) => write!(f, "composite_type.{q}"),
            Address::Collation(q) => write!(f, "collation.{q}"),
            Address::Sequence(q) => write!(f, "sequence.{q}"),
            Address::Table(q) => write!(f, "table.{q}"),
            Address::TablePart(q, kind, name) if name.is_empty() => write!(f, "table.{q}.{kind}"),
            Address::TablePart(q, kind, name) => write!(f, "table.{q}.{kind}.{name}"),
            Address::Policy(t, n) => write!(f, "policy.{t}.{n}"),
            Address::Grant(t, r) => write!(f, "grant.{t}.{r}"),
            Address::Function(q) => write!(f, "function.{q}"),
            Address::Trigger(t, n) => write!(f, "trigger.{t}.{n}"),
            Address::View(q) => write!(f, "view.{q}"),
            Address::Secret(s) => write!(f, "secret.{s}"),
            Address::EdgeFunction(s) => write!(f, "edge_function.{s}"),
            Address::Bucket(s) => write!(f, "bucket.{s}"),
            Address::DefaultPrivileges(owner, schema, on, role) => write!(
                f,
                "default_privileges.{owner}.{schema}.{}.{role}",
                on.as_str()
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_render_canonically() {
        let t = QName::new("public", "profiles");
        assert_eq!(
            Address::Table(t.clone()).to_string(),
            "table.public.profiles"
        );
        assert_eq!(
            Address::Policy(t.clone(), "profiles_select_own".into()).to_string(),
            "policy.public.profiles.profiles_select_own"
        );
        assert_eq!(
            Address::TablePart(t.clone(), "column", "username".into()).to_string(),
            "table.public.profiles.column.username"
        );
        assert_eq!(
            Address::TablePart(t, "primary_key", String::new()).to_string(),
            "table.public.profiles.primary_key"
        );
        assert_eq!(
            Address::EdgeFunction("create-payment".into()).to_string(),
            "edge_function.create-payment"
        );
    }
}
