//! Collations: created before the types and tables whose columns name them, replaced in
//! place (Postgres refuses while a column or domain uses one), dropped after the columns
//! that used them have changed.

use super::B;
use crate::model::Collation;
use crate::plan::ddl;
use crate::plan::rules::Rule;

fn describe(c: &Collation) -> String {
    format!("{} {}", c.provider, c.locale)
}

pub(super) fn create(c: &Collation) -> B {
    B::new(31, format!("create collation {} ({})", c.name, describe(c)))
        .rule(Rule::S021, "a new collation")
        .sql(ddl::create_collation(c))
        .sqls(
            c.comment
                .as_deref()
                .map(|t| ddl::comment_on("COLLATION", &c.name.sql(), Some(t))),
        )
}

pub(super) fn alter(from: &Collation, to: &Collation) -> B {
    let b = B::new(31, format!("alter collation {}", to.name));
    let same = Collation {
        comment: to.comment.clone(),
        ..from.clone()
    };
    if same == *to {
        return b.rule(Rule::S015, "metadata only").sql(ddl::comment_on(
            "COLLATION",
            &to.name.sql(),
            to.comment.as_deref(),
        ));
    }
    b.rule(
        Rule::C116,
        format!(
            "{} → {}: dropped and created again (Postgres refuses while a column or domain uses it)",
            describe(from),
            describe(to)
        ),
    )
    .sql(ddl::drop_collation(&from.name))
    .sql(ddl::create_collation(to))
    .sqls(
        to.comment
            .as_deref()
            .map(|t| ddl::comment_on("COLLATION", &to.name.sql(), Some(t))),
    )
}

pub(super) fn drop(c: &Collation) -> B {
    B::new(62, format!("drop collation {}", c.name))
        .rule(
            Rule::C112,
            "the collation is removed (Postgres refuses while a column or domain uses it)",
        )
        .sql(ddl::drop_collation(&c.name))
}
