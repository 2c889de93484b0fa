//! Domains and composite types: created with the enums (before the tables and functions
//! that use them), altered in place, dropped after what used them.

use super::B;
use crate::model::{Address, CompositeType, Domain};
use crate::plan::ddl;
use crate::plan::rules::Rule;

pub(super) fn create_domain(d: &Domain) -> B {
    // The checks once the functions exist (a check may call one that takes the
    // domain's base type), before the tables that use the domain.
    let bare = Domain {
        checks: vec![],
        ..d.clone()
    };
    let mut b = B::new(32, format!("create domain {} ({})", d.name, d.base_type))
        .rule(Rule::S021, "a new type")
        .sql(ddl::create_domain(&bare))
        .sqls(
            d.comment
                .as_deref()
                .map(|c| ddl::comment_on("DOMAIN", &d.name.sql(), Some(c))),
        );
    if !d.checks.is_empty() {
        let checks = B::new(34, format!("add the checks of domain {}", d.name))
            .rule(
                Rule::S021,
                "the new type's checks, after the functions they may call",
            )
            .refs([Address::Domain(d.name.clone())])
            .sqls(d.checks.iter().map(|c| ddl::add_domain_check(&d.name, c)));
        b.then = Some(Box::new(checks));
    }
    b
}

pub(super) fn create_composite(t: &CompositeType) -> B {
    B::new(
        32,
        format!("create type {} ({} attributes)", t.name, t.attributes.len()),
    )
    .rule(Rule::S021, "a new type")
    .sql(ddl::create_composite(t))
    .sqls(
        t.comment
            .as_deref()
            .map(|c| ddl::comment_on("TYPE", &t.name.sql(), Some(c))),
    )
}

pub(super) fn drop_domain(d: &Domain) -> B {
    B::new(61, format!("drop domain {}", d.name))
        .rule(
            Rule::C112,
            "the type is removed (Postgres refuses while a column uses it)",
        )
        .sql(ddl::drop_domain(&d.name))
}

pub(super) fn drop_composite(t: &CompositeType) -> B {
    B::new(61, format!("drop type {}", t.name))
        .rule(
            Rule::C112,
            "the type is removed (Postgres refuses while something uses it)",
        )
        .sql(ddl::drop_type(&t.name))
}

pub(super) fn alter_domain(from: &Domain, to: &Domain) -> B {
    let q = &to.name;
    let mut b = B::new(32, format!("alter domain {q}")).refs([Address::Domain(q.clone())]);
    let mut reasons: Vec<String> = vec![];
    if from.base_type != to.base_type || from.collation != to.collation {
        // Postgres cannot change a domain's base type or collation in place: the step
        // fails in the rehearsal rather than recreating a type columns depend on.
        b = b.sql(format!(
            "DO $supaform$ BEGIN RAISE EXCEPTION 'the base type or collation of domain % cannot be changed in place: create a new domain and move the columns to it', {}; END $supaform$",
            crate::quote::literal(&q.to_string())
        ));
        reasons.push("a new base type or collation".into());
    }
    if from.default != to.default {
        b = b.sql(ddl::set_domain_default(q, to.default.as_deref()));
        reasons.push("the default".into());
    }
    if from.nullable != to.nullable {
        b = b.sql(ddl::set_domain_not_null(q, !to.nullable));
        reasons.push(if to.nullable {
            "NULL allowed".into()
        } else {
            "NOT NULL (every value must pass)".into()
        });
    }
    for c in &from.checks {
        if !to.checks.iter().any(|t| t == c) {
            b = b.sql(ddl::drop_domain_check(q, &c.name));
        }
    }
    for c in &to.checks {
        if !from.checks.iter().any(|f| f == c) {
            b = b.sql(ddl::add_domain_check(q, c));
            reasons.push(format!(
                "check {} (every value of every column using it must pass)",
                c.name
            ));
        }
    }
    if to.comment != from.comment {
        b = b.sql(ddl::comment_on("DOMAIN", &q.sql(), to.comment.as_deref()));
    }
    let reason = if reasons.is_empty() {
        "its comment".to_string()
    } else {
        reasons.join(", ")
    };
    b.rule(Rule::C116, reason)
}

pub(super) fn alter_composite(from: &CompositeType, to: &CompositeType) -> B {
    let q = &to.name;
    let mut b = B::new(32, format!("alter type {q}")).refs([Address::CompositeType(q.clone())]);
    let mut reasons: Vec<String> = vec![];
    for a in &from.attributes {
        if !to.attributes.iter().any(|t| t.name == a.name) {
            b = b.sql(ddl::drop_attribute(q, &a.name));
            reasons.push(format!(
                "attribute {} dropped (its values in columns of the type are lost)",
                a.name
            ));
        }
    }
    for a in &to.attributes {
        match from.attributes.iter().find(|f| f.name == a.name) {
            None => {
                b = b.sql(ddl::add_attribute(q, a));
                reasons.push(format!("attribute {} added", a.name));
            }
            Some(f) if f.data_type != a.data_type => {
                b = b.sql(ddl::alter_attribute_type(q, a));
                reasons.push(format!("attribute {} becomes {}", a.name, a.data_type));
            }
            Some(_) => {}
        }
    }
    if to.comment != from.comment {
        b = b.sql(ddl::comment_on("TYPE", &q.sql(), to.comment.as_deref()));
    }
    let reason = if reasons.is_empty() {
        "its comment".to_string()
    } else {
        reasons.join(", ")
    };
    b.rule(Rule::C116, reason)
}
