//! SQL of sequences and of identity columns' sequences.

use crate::model::{
    column_sequence_name, Column, IdentitySequence, QName, Sequence, SequenceOptions,
};
use crate::quote::ident;

/// `CREATE SEQUENCE name AS type …` (without `OWNED BY`: the column may not exist yet).
pub fn create_sequence(s: &Sequence) -> String {
    let mut out = format!("CREATE SEQUENCE {} AS {}", s.name.sql(), s.data_type);
    for c in s.options.clauses() {
        out.push(' ');
        out.push_str(&c);
    }
    out
}

pub fn drop_sequence(q: &QName) -> String {
    format!("DROP SEQUENCE {}", q.sql())
}

/// `ALTER SEQUENCE … AS … [options]` from `from` to `to`; `None` when they agree.
pub fn alter_sequence(from: &Sequence, to: &Sequence) -> Option<String> {
    let mut clauses = vec![];
    if from.data_type != to.data_type {
        clauses.push(format!("AS {}", to.data_type));
    }
    clauses.extend(from.options.alter_clauses(&to.options));
    (!clauses.is_empty()).then(|| format!("ALTER SEQUENCE {} {}", to.name.sql(), clauses.join(" ")))
}

/// `ALTER SEQUENCE … OWNED BY table.column | NONE`.
pub fn sequence_owned_by(q: &QName, owner: Option<&(QName, String)>) -> String {
    match owner {
        Some((t, c)) => format!(
            "ALTER SEQUENCE {} OWNED BY {}.{}",
            q.sql(),
            t.sql(),
            ident(c)
        ),
        None => format!("ALTER SEQUENCE {} OWNED BY NONE", q.sql()),
    }
}

/// The parenthesised options of `GENERATED … AS IDENTITY`, empty for Postgres' defaults.
pub fn identity_options(c: &Column) -> String {
    let Some(s) = &c.identity_sequence else {
        return String::new();
    };
    let mut parts = vec![];
    if let Some(n) = &s.name {
        parts.push(format!("SEQUENCE NAME {}", ident(n)));
    }
    parts.extend(s.options.clauses());
    if parts.is_empty() {
        String::new()
    } else {
        format!(" ({})", parts.join(" "))
    }
}

/// The statements that take an identity column's sequence from `from` to `to` (both of
/// the column, which stays an identity): a rename, then `ALTER COLUMN … SET …`.
pub fn alter_identity_sequence(
    table: &QName,
    column: &str,
    from: Option<&IdentitySequence>,
    to: Option<&IdentitySequence>,
) -> Vec<String> {
    let mut out = vec![];
    let default_name = column_sequence_name(table, column).name;
    let from_name = from
        .and_then(|s| s.name.clone())
        .unwrap_or(default_name.clone());
    let to_name = to.and_then(|s| s.name.clone()).unwrap_or(default_name);
    if from_name != to_name {
        out.push(format!(
            "ALTER SEQUENCE {} RENAME TO {}",
            QName::new(&table.schema, &from_name).sql(),
            ident(&to_name)
        ));
    }
    let none = SequenceOptions::default();
    let fo = from.map(|s| &s.options).unwrap_or(&none);
    let to_ = to.map(|s| &s.options).unwrap_or(&none);
    let sets: Vec<String> = fo
        .alter_clauses(to_)
        .into_iter()
        .map(|c| format!("SET {c}"))
        .collect();
    if !sets.is_empty() {
        out.push(format!(
            "ALTER TABLE {} ALTER COLUMN {} {}",
            table.sql(),
            ident(column),
            sets.join(" ")
        ));
    }
    out
}
