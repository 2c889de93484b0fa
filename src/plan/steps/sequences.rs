//! Sequences: created before the tables whose defaults call them (owned by their column
//! once the table exists), altered in place, dropped after the columns that used them.

use super::{table_addr, B};
use crate::model::{Address, Sequence};
use crate::plan::ddl;
use crate::plan::rules::Rule;

pub(super) fn create(s: &Sequence) -> B {
    let mut b = B::new(33, format!("create sequence {} ({})", s.name, s.data_type))
        .rule(Rule::S023, "a new sequence")
        .sql(ddl::create_sequence(s))
        .sqls(
            s.comment
                .as_deref()
                .map(|c| ddl::comment_on("SEQUENCE", &s.name.sql(), Some(c))),
        );
    if let Some(owner) = &s.owned_by {
        let own = B::new(
            39,
            format!("let {}.{} own sequence {}", owner.0, owner.1, s.name),
        )
        .rule(Rule::S023, "the sequence is dropped with its column")
        .refs([Address::Sequence(s.name.clone()), table_addr(&owner.0)])
        .sql(ddl::sequence_owned_by(&s.name, Some(owner)));
        b.then = Some(Box::new(own));
    }
    b
}

pub(super) fn alter(from: &Sequence, to: &Sequence) -> B {
    let mut what = vec![];
    let mut b = B::new(39, format!("alter sequence {}", to.name))
        .refs(to.owned_by.iter().map(|o| table_addr(&o.0)));
    if let Some(sql) = ddl::alter_sequence(from, to) {
        what.push(if from.data_type != to.data_type {
            "its type and options"
        } else {
            "its options"
        });
        b = b.sql(sql);
    }
    if from.owned_by != to.owned_by {
        what.push("its owning column");
        b = b.sql(ddl::sequence_owned_by(&to.name, to.owned_by.as_ref()));
    }
    if from.comment != to.comment {
        what.push("its comment");
        b = b.sql(ddl::comment_on(
            "SEQUENCE",
            &to.name.sql(),
            to.comment.as_deref(),
        ));
    }
    b.rule(
        Rule::C118,
        format!(
            "{}: values handed out are kept; a maximum below the current value fails",
            what.join(", ")
        ),
    )
}

pub(super) fn drop(s: &Sequence) -> B {
    // One owned by a column goes with its table or column when those are dropped first.
    let sql = if s.owned_by.is_some() {
        format!("DROP SEQUENCE IF EXISTS {}", s.name.sql())
    } else {
        ddl::drop_sequence(&s.name)
    };
    B::new(61, format!("drop sequence {}", s.name))
        .rule(
            Rule::C119,
            "its current value is lost; Postgres refuses while a default still calls it",
        )
        .sql(sql)
}
