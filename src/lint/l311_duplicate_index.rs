//! L311 (info): duplicate index (Supabase's `0009_duplicate_index`): two indexes of one
//! table with the same parts, method, predicate, included columns and uniqueness; also an
//! index or unique constraint identical to the index behind the primary key or a unique
//! constraint.
//!
//! Expressions and predicates are compared in a canonical spelling (tokens, case of
//! keywords, outer parentheses), so `lower(email)` and `LOWER( email )` are the same. A
//! non-unique index on the primary key's columns is redundant but not identical, and is not
//! reported.

use super::{sql, Ctx, Rule};
use crate::model::{Address, IndexPart, Table};

/// Everything that makes two indexes the same.
#[derive(PartialEq)]
struct Shape {
    parts: Vec<String>,
    method: String,
    predicate: Option<String>,
    include: Vec<String>,
    unique: bool,
}

/// One index-backed object of a table, in the order duplicates are reported against.
struct Entry {
    /// How messages name it: "the primary key `t_pkey`", "index `a`".
    what: String,
    /// Block kind of the HCL attribute or block (`index`, `unique`), for the help.
    kind: &'static str,
    name: String,
    shape: Shape,
}

fn column(c: &str) -> String {
    let simple = c
        .chars()
        .next()
        .is_some_and(|f| f.is_ascii_lowercase() || f == '_')
        && c.chars()
            .all(|x| x.is_ascii_lowercase() || x.is_ascii_digit() || x == '_' || x == '$');
    if simple {
        c.to_string()
    } else {
        format!("\"{}\"", c.replace('"', "\"\""))
    }
}

fn constraint_shape(cols: &[String]) -> Shape {
    Shape {
        parts: cols.iter().map(|c| column(c)).collect(),
        method: "btree".into(),
        predicate: None,
        include: vec![],
        unique: true,
    }
}

fn entries(t: &Table) -> Vec<Entry> {
    let mut out = Vec::new();
    if let Some(pk) = &t.primary_key {
        let name = pk
            .name
            .clone()
            .unwrap_or_else(|| format!("{}_pkey", t.name.name));
        out.push(Entry {
            what: format!("the primary key `{name}`"),
            kind: "primary_key",
            name,
            shape: constraint_shape(&pk.columns),
        });
    }
    for u in &t.uniques {
        if u.nulls_not_distinct {
            continue;
        }
        out.push(Entry {
            what: format!("unique constraint `{}`", u.name),
            kind: "unique",
            name: u.name.clone(),
            shape: constraint_shape(&u.columns),
        });
    }
    for i in &t.indexes {
        let mut include: Vec<String> = i.include.iter().map(|c| column(c)).collect();
        include.sort();
        out.push(Entry {
            what: format!("index `{}`", i.name),
            kind: "index",
            name: i.name.clone(),
            shape: Shape {
                parts: i
                    .parts
                    .iter()
                    .map(|p| match p {
                        IndexPart::Column(c) => column(c),
                        IndexPart::Expression(e) => sql::canonical(e),
                    })
                    .collect(),
                method: i.method.to_ascii_lowercase(),
                predicate: i.predicate.as_deref().map(sql::canonical),
                include,
                unique: i.unique,
            },
        });
    }
    out
}

pub(super) fn check(cx: &mut Ctx<'_>) {
    for t in cx.model.tables.values() {
        let entries = entries(t);
        for (k, e) in entries.iter().enumerate() {
            let Some(first) = entries[..k].iter().find(|x| x.shape == e.shape) else {
                continue;
            };
            let subject = if e.kind == "index" {
                format!("index `{}`", e.name)
            } else {
                format!("unique constraint `{}`", e.name)
            };
            let message = format!(
                "{subject} of table `{}` duplicates {}: every write maintains both and \
                 Postgres uses only one",
                t.name, first.what
            );
            let help = format!(
                "remove {} \"{}\" from table \"{}\"",
                e.kind,
                e.name,
                Ctx::label(&t.name)
            );
            cx.report(
                Rule::L311,
                Address::TablePart(t.name.clone(), e.kind, e.name.clone()),
                message,
                Some(help),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::testing::{findings, messages};
    use crate::lint::Rule;

    fn table(indexes: &str) -> String {
        format!(
            r#"
table "users" {{
  column "id" {{ type = "uuid" }}
  column "email" {{ type = "text" }}
  column "org" {{ type = "uuid" }}
  primary_key = ["id"]
  {indexes}
}}
"#
        )
    }

    #[test]
    fn fires_on_two_identical_indexes() {
        let f = findings(
            Rule::L311,
            &table(
                "index \"users_email_a\" { expressions = [\"lower(email)\"] }\n  index \"users_email_b\" { expressions = [\"LOWER( email )\"] }",
            ),
        );
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].address, "table.public.users.index.users_email_b");
        assert_eq!(
            f[0].message,
            "index `users_email_b` of table `public.users` duplicates index `users_email_a`: \
             every write maintains both and Postgres uses only one"
        );
        assert_eq!(
            f[0].help.as_deref(),
            Some("remove index \"users_email_b\" from table \"users\"")
        );
    }

    #[test]
    fn fires_on_an_index_or_constraint_duplicating_the_primary_key() {
        let hcl = table(
            "index \"users_id_idx\" {\n columns = [\"id\"]\n unique = true\n }\n  unique \"users_id_key\" { columns = [\"id\"] }",
        );
        assert_eq!(
            messages(Rule::L311, &hcl),
            [
                "table.public.users.index.users_id_idx: index `users_id_idx` of table \
                 `public.users` duplicates the primary key `users_pkey`: every write maintains \
                 both and Postgres uses only one",
                "table.public.users.unique.users_id_key: unique constraint `users_id_key` of \
                 table `public.users` duplicates the primary key `users_pkey`: every write \
                 maintains both and Postgres uses only one",
            ]
        );
    }

    #[test]
    fn quiet_when_anything_differs() {
        for indexes in [
            // Column order.
            "index \"a\" { columns = [\"email\", \"org\"] }\n  index \"b\" { columns = [\"org\", \"email\"] }",
            // Uniqueness (and the primary key is unique).
            "index \"a\" { columns = [\"email\"] }\n  index \"b\" {\n columns = [\"email\"]\n unique = true\n }\n  index \"c\" { columns = [\"id\"] }",
            // Predicate.
            "index \"a\" { columns = [\"email\"] }\n  index \"b\" {\n columns = [\"email\"]\n where = \"org is not null\"\n }",
            // Method.
            "index \"a\" { columns = [\"email\"] }\n  index \"b\" {\n columns = [\"email\"]\n method = \"hash\"\n }",
            // Included columns.
            "index \"a\" { columns = [\"email\"] }\n  index \"b\" {\n columns = [\"email\"]\n include = [\"org\"]\n }",
        ] {
            assert!(findings(Rule::L311, &table(indexes)).is_empty(), "{indexes}");
        }
    }
}
