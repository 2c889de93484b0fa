//! The platform objects a configuration references (`auth.identities`, `vault.secrets`,
//! `net.http_post`, …), read from the target so the dev database can hold stand-ins of
//! them: normalising a policy or a foreign key that names one needs the object to exist,
//! and the embedded server's bootstrap only has a few (`auth.users`, `auth.uid()`,
//! `storage.objects`, …). A stand-in has the target's columns, primary and unique keys
//! (what a foreign key needs), or the target's function signature with an empty body.

use super::IntrospectError;
use crate::model::{DefaultValue, Model, QName};
use crate::quote::{ident, literal, qualified};
use std::collections::BTreeSet;

/// Schemas whose objects are never stood in for: the catalogs, and `extensions` (its
/// objects come with the configuration's `extension` blocks).
fn eligible(schema: &str) -> bool {
    crate::model::is_platform_schema(schema)
        && !schema.starts_with("pg_")
        && schema != "information_schema"
        && schema != "extensions"
}

/// Qualified names in platform schemas that `m` names: foreign keys, triggers, policies
/// and grants on platform tables, and `schema.name` in its SQL text.
pub fn referenced(m: &Model) -> BTreeSet<QName> {
    let mut out = BTreeSet::new();
    // What an extension of the configuration creates comes with it (a stand-in `cron`
    // schema would make `create extension pg_cron` fail).
    let from_extensions: BTreeSet<&str> = crate::model::EXTENSION_SCHEMAS
        .iter()
        .filter(|(e, _)| m.extensions.contains_key(*e))
        .map(|(_, s)| *s)
        .collect();
    let mut add = |q: &QName| {
        if eligible(&q.schema) && !from_extensions.contains(q.schema.as_str()) {
            out.insert(q.clone());
        }
    };
    for t in m.tables.values() {
        for fk in &t.foreign_keys {
            add(&fk.ref_table);
        }
    }
    for tr in m.triggers.values() {
        add(&tr.table);
        add(&tr.function);
    }
    for p in m.policies.values() {
        add(&p.table);
    }
    let mut texts: Vec<&str> = Vec::new();
    for t in m.tables.values() {
        for c in &t.columns {
            if let Some(DefaultValue::Sql(s)) = &c.default {
                texts.push(s);
            }
            texts.extend(c.generated.as_deref());
            if c.data_type.contains('.') {
                texts.push(&c.data_type);
            }
        }
        texts.extend(t.checks.iter().map(|c| c.expression.as_str()));
        texts.extend(t.indexes.iter().filter_map(|i| i.predicate.as_deref()));
    }
    for p in m.policies.values() {
        texts.extend(p.using.as_deref());
        texts.extend(p.check.as_deref());
    }
    for v in m.views.values() {
        texts.push(&v.query);
    }
    for f in m.functions.values() {
        texts.push(&f.body);
        texts.push(&f.returns);
        texts.extend(f.args.iter().map(|a| a.data_type.as_str()));
    }
    for tr in m.triggers.values() {
        texts.extend(tr.when.as_deref());
    }
    for text in texts {
        for q in qualified_names(text) {
            add(&q);
        }
    }
    out
}

/// `schema.name` pairs written in SQL text (unquoted or double-quoted identifiers; names
/// are folded to lower case unless quoted, as Postgres does).
fn qualified_names(text: &str) -> Vec<QName> {
    fn ident_at(s: &[char], mut i: usize) -> Option<(String, usize)> {
        if s.get(i) == Some(&'"') {
            let mut out = String::new();
            i += 1;
            while i < s.len() {
                if s[i] == '"' {
                    if s.get(i + 1) == Some(&'"') {
                        out.push('"');
                        i += 2;
                        continue;
                    }
                    return Some((out, i + 1));
                }
                out.push(s[i]);
                i += 1;
            }
            return None;
        }
        let start = i;
        if !s.get(i).is_some_and(|c| c.is_alphabetic() || *c == '_') {
            return None;
        }
        while s
            .get(i)
            .is_some_and(|c| c.is_alphanumeric() || *c == '_' || *c == '$')
        {
            i += 1;
        }
        Some((s[start..i].iter().collect::<String>().to_lowercase(), i))
    }
    let s: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < s.len() {
        let boundary =
            i == 0 || !(s[i - 1].is_alphanumeric() || s[i - 1] == '_' || s[i - 1] == '.');
        if boundary {
            if let Some((schema, j)) = ident_at(&s, i) {
                if s.get(j) == Some(&'.') {
                    if let Some((name, k)) = ident_at(&s, j + 1) {
                        out.push(QName::new(schema, name));
                        i = k;
                        continue;
                    }
                }
                i = j.max(i + 1);
                continue;
            }
        }
        // Skip string literals: names inside them are data.
        if s[i] == '\'' {
            i += 1;
            while i < s.len() && s[i] != '\'' {
                i += 1;
            }
        }
        i += 1;
    }
    out
}

/// DDL creating stand-ins of `names` as the target at `client` has them (tables and views
/// as tables with their columns and keys, functions with an empty body). Names the target
/// does not have are left out: normalisation then reports Postgres' error at the HCL. Each
/// statement is checked for existence where it runs, so objects the dev database already
/// has are kept.
pub async fn stand_ins(
    client: &tokio_postgres::Client,
    names: &BTreeSet<QName>,
) -> Result<Vec<String>, IntrospectError> {
    if names.is_empty() {
        return Ok(vec![]);
    }
    let pairs: Vec<String> = names
        .iter()
        .map(|q| format!("({}, {})", literal(&q.schema), literal(&q.name)))
        .collect();
    let wanted = format!("(VALUES {}) AS w(s, n)", pairs.join(", "));
    let sql = format!(
        "{}\
         SELECT pg_catalog.json_agg(pg_catalog.json_build_array(n.nspname, c.relname, \
           (SELECT pg_catalog.json_agg(pg_catalog.json_build_array(a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod)) ORDER BY a.attnum) \
              FROM pg_catalog.pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped), \
           (SELECT pg_catalog.json_agg(pg_catalog.pg_get_constraintdef(co.oid)) FROM pg_catalog.pg_constraint co \
              WHERE co.conrelid = c.oid AND co.contype IN ('p', 'u')))) \
         FROM {wanted} JOIN pg_catalog.pg_namespace n ON n.nspname = w.s \
         JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid AND c.relname = w.n AND c.relkind IN ('r', 'p', 'v', 'm', 'f');\n\
         SELECT pg_catalog.json_agg(pg_catalog.json_build_array(n.nspname, p.proname, \
           pg_catalog.pg_get_function_arguments(p.oid), pg_catalog.pg_get_function_result(p.oid), p.prokind)) \
         FROM {wanted} JOIN pg_catalog.pg_namespace n ON n.nspname = w.s \
         JOIN pg_catalog.pg_proc p ON p.pronamespace = n.oid AND p.proname = w.n AND p.prokind IN ('f', 'p');\n\
         COMMIT;",
        super::read_only_begin()
    );
    let messages = match client.simple_query(&sql).await {
        Ok(m) => m,
        Err(e) => {
            let _ = client.simple_query("ROLLBACK").await;
            return Err(super::query_error(&e));
        }
    };
    let mut docs = messages.into_iter().filter_map(|m| match m {
        tokio_postgres::SimpleQueryMessage::Row(r) => Some(r.get(0).unwrap_or("null").to_string()),
        _ => None,
    });
    let decode_err = |what: &str, e: serde_json::Error| IntrospectError::Decode {
        what: what.into(),
        reason: e.to_string(),
    };
    type Rel = (
        String,
        String,
        Option<Vec<(String, String)>>,
        Option<Vec<String>>,
    );
    type Func = (String, String, String, Option<String>, String);
    let rels: Option<Vec<Rel>> = serde_json::from_str(&docs.next().unwrap_or_default())
        .map_err(|e| decode_err("platform relations", e))?;
    let funcs: Option<Vec<Func>> = serde_json::from_str(&docs.next().unwrap_or_default())
        .map_err(|e| decode_err("platform functions", e))?;
    let mut out = Vec::new();
    let schemas: BTreeSet<&str> = names.iter().map(|q| q.schema.as_str()).collect();
    for s in schemas {
        out.push(format!("CREATE SCHEMA IF NOT EXISTS {}", ident(s)));
    }
    for (schema, name, cols, keys) in rels.unwrap_or_default() {
        let mut parts: Vec<String> = cols
            .unwrap_or_default()
            .iter()
            .map(|(c, t)| format!("{} {t}", ident(c)))
            .collect();
        parts.extend(keys.unwrap_or_default());
        out.push(format!(
            "CREATE TABLE IF NOT EXISTS {} ({})",
            qualified(&schema, &name),
            parts.join(", ")
        ));
    }
    for (schema, name, args, result, kind) in funcs.unwrap_or_default() {
        let q = qualified(&schema, &name);
        let stmt = if kind == "p" {
            format!("CREATE PROCEDURE {q}({args}) LANGUAGE plpgsql AS $stub$ BEGIN END $stub$")
        } else {
            let result = result.unwrap_or_else(|| "void".into());
            let has_out = args.split(',').any(|a| {
                a.trim_start().starts_with("OUT ") || a.trim_start().starts_with("INOUT ")
            });
            let body = if has_out
                || result == "void"
                || result.starts_with("SETOF ")
                || result.starts_with("TABLE(")
            {
                "BEGIN RETURN; END"
            } else {
                "BEGIN RETURN NULL; END"
            };
            format!("CREATE FUNCTION {q}({args}) RETURNS {result} LANGUAGE plpgsql AS $stub$ {body} $stub$")
        };
        // Only where no function of that name exists (the bootstrap's are kept).
        out.push(format!(
            "DO $supaform$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = {} AND p.proname = {}) THEN EXECUTE {}; END IF; END $supaform$",
            literal(&schema),
            literal(&name),
            literal(&stmt)
        ));
    }
    Ok(out)
}

/// Create [`stand_ins`] in a scratch database. A statement that fails is skipped: the
/// object stays missing and Postgres names it where the configuration uses it.
pub async fn create(client: &tokio_postgres::Client, stand_ins: &[String]) {
    for stmt in stand_ins {
        let _ = client.batch_execute(stmt).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qualified_names_are_found_outside_string_literals() {
        let got = qualified_names(
            "select 1 from auth.identities i where i.user_id = (select auth.uid()) and x = 'vault.secrets' and \"Vault\".\"My Secrets\" is not null",
        );
        let want = [
            QName::new("auth", "identities"),
            QName::new("i", "user_id"),
            QName::new("auth", "uid"),
            QName::new("Vault", "My Secrets"),
        ];
        assert_eq!(got, want);
    }
}
