//! SQL of domains and composite types.

use crate::model::{Attribute, Check, CompositeType, Domain, QName};
use crate::quote::ident;

/// `CREATE DOMAIN`, with its collation, default, NOT NULL and checks.
pub fn create_domain(d: &Domain) -> String {
    let mut s = format!("CREATE DOMAIN {} AS {}", d.name.sql(), d.base_type);
    if let Some(c) = &d.collation {
        s.push_str(&format!(" COLLATE {c}"));
    }
    if let Some(e) = &d.default {
        s.push_str(&format!(" DEFAULT {e}"));
    }
    if !d.nullable {
        s.push_str(" NOT NULL");
    }
    for c in &d.checks {
        s.push_str(&format!(
            " CONSTRAINT {} CHECK ({})",
            ident(&c.name),
            c.expression
        ));
    }
    s
}

pub fn drop_domain(q: &QName) -> String {
    format!("DROP DOMAIN {}", q.sql())
}

pub fn set_domain_default(q: &QName, default: Option<&str>) -> String {
    match default {
        Some(e) => format!("ALTER DOMAIN {} SET DEFAULT {e}", q.sql()),
        None => format!("ALTER DOMAIN {} DROP DEFAULT", q.sql()),
    }
}

pub fn set_domain_not_null(q: &QName, not_null: bool) -> String {
    format!(
        "ALTER DOMAIN {} {} NOT NULL",
        q.sql(),
        if not_null { "SET" } else { "DROP" }
    )
}

pub fn add_domain_check(q: &QName, c: &Check) -> String {
    format!(
        "ALTER DOMAIN {} ADD CONSTRAINT {} CHECK ({})",
        q.sql(),
        ident(&c.name),
        c.expression
    )
}

pub fn drop_domain_check(q: &QName, name: &str) -> String {
    format!("ALTER DOMAIN {} DROP CONSTRAINT {}", q.sql(), ident(name))
}

/// `CREATE TYPE … AS (…)`.
pub fn create_composite(t: &CompositeType) -> String {
    let attrs: Vec<String> = t.attributes.iter().map(attribute).collect();
    format!("CREATE TYPE {} AS ({})", t.name.sql(), attrs.join(", "))
}

fn attribute(a: &Attribute) -> String {
    format!("{} {}", ident(&a.name), a.data_type)
}

pub fn add_attribute(q: &QName, a: &Attribute) -> String {
    format!("ALTER TYPE {} ADD ATTRIBUTE {}", q.sql(), attribute(a))
}

pub fn drop_attribute(q: &QName, name: &str) -> String {
    format!("ALTER TYPE {} DROP ATTRIBUTE {}", q.sql(), ident(name))
}

pub fn alter_attribute_type(q: &QName, a: &Attribute) -> String {
    format!(
        "ALTER TYPE {} ALTER ATTRIBUTE {} TYPE {}",
        q.sql(),
        ident(&a.name),
        a.data_type
    )
}
