//! Renames declared with `renamed_from`: found first, planned first, and applied to a copy
//! of the live model so the rest of the diff compares like with like (a foreign key to a
//! renamed table, a policy on it, a grant on it all follow the table, as they do in
//! Postgres, where they point at the object, not its name).

use super::Change;
use crate::model::*;

/// The renames to plan, and the live model as it will be once they are done.
pub fn apply(desired: &Model, live: &Model) -> (Vec<Change>, Model) {
    let mut live = live.clone();
    let mut out = Vec::new();
    enums(desired, &mut live, &mut out);
    enum_values(desired, &mut live, &mut out);
    tables(desired, &mut live, &mut out);
    columns(desired, &mut live, &mut out);
    functions(desired, &mut live, &mut out);
    policies(desired, &mut live, &mut out);
    (out, live)
}

/// Whether the desired model declares any rename: without one there is nothing to apply.
pub fn declared(desired: &Model) -> bool {
    desired
        .enums
        .values()
        .any(|e| e.renamed_from.is_some() || !e.renamed_values.is_empty())
        || desired
            .tables
            .values()
            .any(|t| t.renamed_from.is_some() || t.columns.iter().any(|c| c.renamed_from.is_some()))
        || desired.policies.values().any(|p| p.renamed_from.is_some())
        || desired.functions.values().any(|f| f.renamed_from.is_some())
}

/// `renamed_from = "old"` of a desired object named `name` applies when the live side has
/// the old object, not yet the new one, and the config does not also declare the old one.
fn pending(
    name: &QName,
    renamed_from: Option<&str>,
    in_live: impl Fn(&QName) -> bool,
    in_desired: impl Fn(&QName) -> bool,
) -> Option<QName> {
    let old = QName::new(name.schema.clone(), renamed_from?);
    (old != *name && in_live(&old) && !in_live(name) && !in_desired(&old)).then_some(old)
}

fn enums(desired: &Model, live: &mut Model, out: &mut Vec<Change>) {
    for (name, e) in &desired.enums {
        let Some(old) = pending(
            name,
            e.renamed_from.as_deref(),
            |q| live.enums.contains_key(q),
            |q| desired.enums.contains_key(q),
        ) else {
            continue;
        };
        if let Some(mut l) = live.enums.remove(&old) {
            l.name = name.clone();
            live.enums.insert(name.clone(), l);
        }
        let (old_type, new_type) = (
            crate::config::format_type_name(&old),
            crate::config::format_type_name(name),
        );
        for t in live.tables.values_mut() {
            for c in &mut t.columns {
                let array = c.data_type == format!("{old_type}[]");
                if c.enum_type.as_ref() == Some(&old) || array {
                    if !array {
                        c.enum_type = Some(name.clone());
                    }
                    if let Some(rest) = c.data_type.strip_prefix(&old_type) {
                        c.data_type = format!("{new_type}{rest}");
                    }
                }
            }
        }
        out.push(Change::RenameEnum {
            from: old,
            to: name.clone(),
        });
    }
}

/// `renamed_values = { new = "old" }` applies where the live enum (already under its new
/// name) still has the old value and not yet the new one. Postgres keeps a value's identity
/// through `RENAME VALUE`, so expressions holding it print the new name afterwards: the
/// live copy's `'old'::type` constants are rewritten to match.
fn enum_values(desired: &Model, live: &mut Model, out: &mut Vec<Change>) {
    for (name, e) in &desired.enums {
        let Some(l) = live.enums.get_mut(name) else {
            continue;
        };
        let mut done = Vec::new();
        for (new, old) in &e.renamed_values {
            if l.values.contains(old) && !l.values.contains(new) {
                for v in l.values.iter_mut().filter(|v| *v == old) {
                    *v = new.clone();
                }
                done.push((old.clone(), new.clone()));
                out.push(Change::RenameEnumValue {
                    name: name.clone(),
                    from: old.clone(),
                    to: new.clone(),
                });
            }
        }
        let ty = crate::config::format_type_name(name);
        for (old, new) in done {
            // A column of the type whose default is the value, read back as a literal.
            for t in live.tables.values_mut() {
                for c in &mut t.columns {
                    if c.enum_type.as_ref() == Some(name) {
                        if let Some(DefaultValue::Literal(Literal::String(v))) = &mut c.default {
                            if *v == old {
                                *v = new.clone();
                            }
                        }
                    }
                }
            }
            let from = format!("{}::{ty}", crate::quote::literal(&old));
            let to = format!("{}::{ty}", crate::quote::literal(&new));
            rewrite_expressions(live, &|s: &mut String| {
                if s.contains(&from) {
                    *s = s.replace(&from, &to);
                }
            });
        }
    }
}

/// Every SQL expression of `m` that Postgres prints from its own catalog (defaults,
/// generated columns, checks, index predicates, policies, trigger conditions, views).
fn rewrite_expressions(m: &mut Model, f: &dyn Fn(&mut String)) {
    for t in m.tables.values_mut() {
        for c in &mut t.columns {
            if let Some(DefaultValue::Sql(s)) = &mut c.default {
                f(s);
            }
            if let Some(g) = &mut c.generated {
                f(g);
            }
        }
        for ch in &mut t.checks {
            f(&mut ch.expression);
        }
        for i in &mut t.indexes {
            if let Some(p) = &mut i.predicate {
                f(p);
            }
        }
    }
    for p in m.policies.values_mut() {
        for e in [&mut p.using, &mut p.check].into_iter().flatten() {
            f(e);
        }
    }
    for tr in m.triggers.values_mut() {
        if let Some(w) = &mut tr.when {
            f(w);
        }
    }
    for v in m.views.values_mut() {
        f(&mut v.query);
    }
}

fn tables(desired: &Model, live: &mut Model, out: &mut Vec<Change>) {
    for (name, t) in &desired.tables {
        let Some(old) = pending(
            name,
            t.renamed_from.as_deref(),
            |q| live.tables.contains_key(q),
            |q| desired.tables.contains_key(q),
        ) else {
            continue;
        };
        if let Some(mut l) = live.tables.remove(&old) {
            l.name = name.clone();
            live.tables.insert(name.clone(), l);
        }
        for t in live.tables.values_mut() {
            for fk in &mut t.foreign_keys {
                if fk.ref_table == old {
                    fk.ref_table = name.clone();
                }
            }
        }
        live.policies = std::mem::take(&mut live.policies)
            .into_iter()
            .map(|((tq, n), mut p)| {
                if tq == old {
                    p.table = name.clone();
                    ((name.clone(), n), p)
                } else {
                    ((tq, n), p)
                }
            })
            .collect();
        live.triggers = std::mem::take(&mut live.triggers)
            .into_iter()
            .map(|((tq, n), mut tr)| {
                if tq == old {
                    tr.table = name.clone();
                    ((name.clone(), n), tr)
                } else {
                    ((tq, n), tr)
                }
            })
            .collect();
        for g in &mut live.grants {
            if g.target == GrantTarget::Table(old.clone()) {
                g.target = GrantTarget::Table(name.clone());
            }
        }
        out.push(Change::RenameTable {
            from: old,
            to: name.clone(),
        });
    }
}

fn columns(desired: &Model, live: &mut Model, out: &mut Vec<Change>) {
    for (tname, t) in &desired.tables {
        for c in &t.columns {
            let Some(old) = c.renamed_from.as_deref() else {
                continue;
            };
            let Some(lt) = live.tables.get(tname) else {
                continue;
            };
            if old == c.name
                || lt.column(old).is_none()
                || lt.column(&c.name).is_some()
                || t.column(old).is_some()
            {
                continue;
            }
            rename_column(live, tname, old, &c.name);
            out.push(Change::RenameColumn {
                table: tname.clone(),
                from: old.to_string(),
                to: c.name.clone(),
            });
        }
    }
}

fn rename_column(live: &mut Model, table: &QName, from: &str, to: &str) {
    let swap = |v: &mut Vec<String>| {
        for x in v.iter_mut() {
            if x == from {
                *x = to.to_string();
            }
        }
    };
    if let Some(t) = live.tables.get_mut(table) {
        for c in &mut t.columns {
            if c.name == from {
                c.name = to.to_string();
            }
        }
        if let Some(pk) = &mut t.primary_key {
            swap(&mut pk.columns);
        }
        for fk in &mut t.foreign_keys {
            swap(&mut fk.columns);
        }
        for u in &mut t.uniques {
            swap(&mut u.columns);
        }
        for i in &mut t.indexes {
            swap(&mut i.include);
            for p in &mut i.parts {
                if matches!(p, IndexPart::Column(c) if c == from) {
                    *p = IndexPart::Column(to.to_string());
                }
            }
        }
    }
    for t in live.tables.values_mut() {
        for fk in &mut t.foreign_keys {
            if &fk.ref_table == table {
                swap(&mut fk.ref_columns);
            }
        }
    }
    for g in &mut live.grants {
        if g.target == GrantTarget::Table(table.clone()) {
            swap(&mut g.columns);
        }
    }
    for tr in live.triggers.values_mut() {
        if &tr.table == table {
            swap(&mut tr.update_of);
        }
    }
    // Postgres follows the rename in the policies on the table: their live text, as it
    // will read after the rename. (Not in views: a view keeps its output column's old name,
    // `notes.owner AS author`, so a view reading the column does change.)
    for p in live.policies.values_mut() {
        if &p.table == table {
            for e in [&mut p.using, &mut p.check].into_iter().flatten() {
                *e = replace_word(e, from, to);
            }
        }
    }
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Where `word` occurs in `text` as a whole identifier (not inside a longer one).
fn word_positions<'a>(text: &'a str, word: &'a str) -> impl Iterator<Item = usize> + 'a {
    text.match_indices(word).filter_map(move |(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + word.len()..].chars().next();
        (!word.is_empty() && !before.is_some_and(is_word_char) && !after.is_some_and(is_word_char))
            .then_some(i)
    })
}

/// `text` with every whole-identifier `from` replaced by `to` (quoted when Postgres would
/// print it quoted).
fn replace_word(text: &str, from: &str, to: &str) -> String {
    let shown = |name: &str| {
        let simple = name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            && !name.starts_with(|c: char| c.is_ascii_digit());
        if simple {
            name.to_string()
        } else {
            crate::quote::ident(name)
        }
    };
    let (from, to) = (shown(from), shown(to));
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for i in word_positions(text, &from).collect::<Vec<_>>() {
        out.push_str(&text[last..i]);
        out.push_str(&to);
        last = i + from.len();
    }
    out.push_str(&text[last..]);
    out
}

fn functions(desired: &Model, live: &mut Model, out: &mut Vec<Change>) {
    for (name, f) in &desired.functions {
        let Some(old) = pending(
            name,
            f.renamed_from.as_deref(),
            |q| live.functions.contains_key(q),
            |q| desired.functions.contains_key(q),
        ) else {
            continue;
        };
        let Some(mut l) = live.functions.remove(&old) else {
            continue;
        };
        out.push(Change::RenameFunction {
            from: l.clone(),
            to: name.clone(),
        });
        l.name = name.clone();
        live.functions.insert(name.clone(), l);
        for tr in live.triggers.values_mut() {
            if tr.function == old {
                tr.function = name.clone();
            }
        }
        for g in &mut live.grants {
            if g.target == GrantTarget::Function(old.clone()) {
                g.target = GrantTarget::Function(name.clone());
            }
        }
    }
}

fn policies(desired: &Model, live: &mut Model, out: &mut Vec<Change>) {
    for ((table, name), p) in &desired.policies {
        let Some(old) = p.renamed_from.as_deref() else {
            continue;
        };
        let old_key = (table.clone(), old.to_string());
        let new_key = (table.clone(), name.clone());
        if old == name
            || !live.policies.contains_key(&old_key)
            || live.policies.contains_key(&new_key)
            || desired.policies.contains_key(&old_key)
        {
            continue;
        }
        if let Some(mut l) = live.policies.remove(&old_key) {
            l.name = name.clone();
            live.policies.insert(new_key, l);
        }
        out.push(Change::RenamePolicy {
            table: table.clone(),
            from: old.to_string(),
            to: name.clone(),
        });
    }
}
