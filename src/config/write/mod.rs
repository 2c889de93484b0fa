//! Writing a model back out as HCL (`supaform import`): one file per table, plus files for
//! enums, functions, views, standalone policies and triggers, and the project. Loading the
//! files back gives the same model.

mod sequences;

use crate::model::*;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

/// Escape a string for an HCL quoted string literal.
pub fn hcl_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' if chars.peek() == Some(&'{') => out.push_str("$$"),
            '%' if chars.peek() == Some(&'{') => out.push_str("%%"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// An object key: bare when it is an identifier, else quoted.
pub fn hcl_key(s: &str) -> String {
    let mut chars = s.chars();
    let ident = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if ident {
        s.to_string()
    } else {
        hcl_string(s)
    }
}

/// A string as a heredoc when it spans lines and can be written verbatim, else quoted.
fn hcl_text(s: &str, indent: &str) -> String {
    let heredoc_ok = s.contains('\n')
        && s.ends_with('\n')
        && !s.contains('\r')
        && !s
            .chars()
            .any(|c| (c as u32) < 0x20 && c != '\n' && c != '\t');
    if !heredoc_ok {
        return hcl_string(s);
    }
    let mut delim = "SQL".to_string();
    while s.lines().any(|l| l.trim() == delim) {
        delim.push('_');
    }
    let body = s.replace("${", "$${").replace("%{", "%%{");
    let _ = indent;
    format!("<<{delim}\n{body}{delim}")
}

fn list(items: &[String]) -> String {
    let inner: Vec<String> = items.iter().map(|s| hcl_string(s)).collect();
    format!("[{}]", inner.join(", "))
}

/// An HCL identifier for a label that references must be able to name.
fn ident_label(name: &str) -> String {
    let mut s: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if !s
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
    {
        s.insert(0, '_');
    }
    s
}

/// Unique labels per block kind.
#[derive(Default)]
struct Labels {
    used: BTreeMap<&'static str, BTreeSet<String>>,
}

impl Labels {
    fn take(&mut self, kind: &'static str, preferred: &str, fallback: &str) -> String {
        let used = self.used.entry(kind).or_default();
        let mut base = ident_label(preferred);
        if used.contains(&base) {
            base = ident_label(fallback);
        }
        let mut label = base.clone();
        let mut n = 2;
        while used.contains(&label) {
            label = format!("{base}_{n}");
            n += 1;
        }
        used.insert(label.clone());
        label
    }
}

struct Writer<'m> {
    model: &'m Model,
    labels: Labels,
    tables: BTreeMap<QName, String>,
    views: BTreeMap<QName, String>,
    enums: BTreeMap<QName, String>,
    functions: BTreeMap<QName, String>,
}

/// Render a model as HCL files: `(file name, contents)`, in name order, in the layout
/// `supaform fmt` gives them.
pub fn write_model(model: &Model) -> Vec<(String, String)> {
    render(model)
        .into_iter()
        .map(|(name, text)| {
            // The writer lays its files out canonically itself (a test holds it to that);
            // the formatter is only a guard.
            let text = super::fmt::format_source(&text).unwrap_or(text);
            (name, text)
        })
        .collect()
}

fn render(model: &Model) -> Vec<(String, String)> {
    let mut w = Writer {
        model,
        labels: Labels::default(),
        tables: BTreeMap::new(),
        views: BTreeMap::new(),
        enums: BTreeMap::new(),
        functions: BTreeMap::new(),
    };
    // Labels first, so references can be written in any file.
    for q in model.tables.keys() {
        let l = w
            .labels
            .take("table", &label_pref(q), &format!("{}_{}", q.schema, q.name));
        w.tables.insert(q.clone(), l);
    }
    for q in model.views.keys() {
        let l = w
            .labels
            .take("view", &label_pref(q), &format!("{}_{}", q.schema, q.name));
        w.views.insert(q.clone(), l);
    }
    for q in model.enums.keys() {
        let l = w
            .labels
            .take("enum", &label_pref(q), &format!("{}_{}", q.schema, q.name));
        w.enums.insert(q.clone(), l);
    }
    for (q, f) in &model.functions {
        // One of several functions sharing a name: its label names its argument types
        // (`get_messages_users`).
        let pref = match &f.overload {
            Some(types) => {
                let words: Vec<String> = types
                    .split(',')
                    .map(|t| {
                        let t = t.trim();
                        let t = t.strip_prefix("public.").unwrap_or(t);
                        t.chars()
                            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
                            .collect::<String>()
                    })
                    .filter(|w| !w.is_empty())
                    .collect();
                if words.is_empty() {
                    format!("{}_noargs", f.name.name)
                } else {
                    format!("{}_{}", f.name.name, words.join("_"))
                }
            }
            None => label_pref(q),
        };
        let l = w
            .labels
            .take("function", &pref, &format!("{}_{pref}", q.schema));
        w.functions.insert(q.clone(), l);
    }

    let mut files: BTreeMap<String, String> = BTreeMap::new();
    files.insert("project.hcl".into(), w.project());
    if !model.enums.is_empty() {
        let mut s = String::new();
        for e in model.enums.values() {
            w.enum_block(&mut s, e);
        }
        files.insert("enums.hcl".into(), s);
    }
    if !model.buckets.is_empty() {
        let mut s = String::new();
        for b in model.buckets.values() {
            bucket_block(&mut s, b);
        }
        files.insert("storage.hcl".into(), s);
    }
    if !model.domains.is_empty()
        || !model.composite_types.is_empty()
        || !model.collations.is_empty()
    {
        let mut s = String::new();
        for c in model.collations.values() {
            let label = w.labels.take(
                "collation",
                &label_pref(&c.name),
                &format!("{}_{}", c.name.schema, c.name.name),
            );
            collation_block(&mut s, &label, c);
        }
        for d in model.domains.values() {
            let label = w.labels.take(
                "domain",
                &label_pref(&d.name),
                &format!("{}_{}", d.name.schema, d.name.name),
            );
            domain_block(&mut s, &label, d);
        }
        for t in model.composite_types.values() {
            let label = w.labels.take(
                "composite_type",
                &label_pref(&t.name),
                &format!("{}_{}", t.name.schema, t.name.name),
            );
            composite_block(&mut s, &label, t);
        }
        files.insert("types.hcl".into(), s);
    }
    if !model.sequences.is_empty() {
        let mut s = String::new();
        for q in model.sequences.values() {
            let label = w.labels.take(
                "sequence",
                &label_pref(&q.name),
                &format!("{}_{}", q.name.schema, q.name.name),
            );
            sequences::sequence_block(&mut s, &label, q);
        }
        files.insert("sequences.hcl".into(), s);
    }
    let mut placed_policies = BTreeSet::new();
    let mut placed_triggers = BTreeSet::new();
    let mut placed_grants = BTreeSet::new();
    for (q, t) in &model.tables {
        let mut s = String::new();
        w.table_block(&mut s, t);
        for (k, p) in model.policies.iter().filter(|(k, _)| k.0 == *q) {
            w.policy_block(&mut s, p);
            placed_policies.insert(k.clone());
        }
        for (i, g) in model.grants.iter().enumerate() {
            if g.target == GrantTarget::Table(q.clone()) {
                w.grant_block(&mut s, g);
                placed_grants.insert(i);
            }
        }
        for (k, tr) in model.triggers.iter().filter(|(k, _)| k.0 == *q) {
            w.trigger_block(&mut s, tr);
            placed_triggers.insert(k.clone());
        }
        let file = format!(
            "table_{}.hcl",
            ident_label(&format!("{}_{}", q.schema, q.name))
        );
        let file = unique_file(&files, file);
        files.insert(file, s);
    }
    if !model.views.is_empty() {
        let mut s = String::new();
        for v in model.views.values() {
            w.view_block(&mut s, v);
            for (i, g) in model.grants.iter().enumerate() {
                if g.target == GrantTarget::Table(v.name.clone()) {
                    w.grant_block(&mut s, g);
                    placed_grants.insert(i);
                }
            }
        }
        files.insert("views.hcl".into(), s);
    }
    if !model.functions.is_empty() {
        let mut s = String::new();
        for f in model.functions.values() {
            w.function_block(&mut s, f);
            for (i, g) in model.grants.iter().enumerate() {
                if g.target == GrantTarget::Function(f.key()) {
                    w.grant_block(&mut s, g);
                    placed_grants.insert(i);
                }
            }
        }
        files.insert("functions.hcl".into(), s);
    }
    let rest_policies: Vec<&Policy> = model
        .policies
        .iter()
        .filter(|(k, _)| !placed_policies.contains(*k))
        .map(|(_, p)| p)
        .collect();
    if !rest_policies.is_empty() {
        let mut s = String::new();
        for p in rest_policies {
            w.policy_block(&mut s, p);
        }
        files.insert("policies.hcl".into(), s);
    }
    let rest_triggers: Vec<&Trigger> = model
        .triggers
        .iter()
        .filter(|(k, _)| !placed_triggers.contains(*k))
        .map(|(_, t)| t)
        .collect();
    if !rest_triggers.is_empty() {
        let mut s = String::new();
        for t in rest_triggers {
            w.trigger_block(&mut s, t);
        }
        files.insert("triggers.hcl".into(), s);
    }
    let rest_grants: Vec<&Grant> = model
        .grants
        .iter()
        .enumerate()
        .filter(|(i, _)| !placed_grants.contains(i))
        .map(|(_, g)| g)
        .collect();
    if !rest_grants.is_empty() {
        let mut s = String::new();
        for g in rest_grants {
            w.grant_block(&mut s, g);
        }
        files.insert("grants.hcl".into(), s);
    }
    if !model.default_privileges.is_empty() {
        let mut s = String::new();
        for d in &model.default_privileges {
            w.default_privileges_block(&mut s, d);
        }
        files.insert("default_privileges.hcl".into(), s);
    }
    files
        .into_iter()
        .map(|(name, body)| {
            let text = format!("# Imported by supaform.\n\n{}", body.trim_end());
            (name, format!("{text}\n"))
        })
        .collect()
}

/// What `all` expands to for a grant target (MAINTAIN, PostgreSQL 17+, is never implied).
fn all_for(t: &GrantTarget) -> &'static [&'static str] {
    match t {
        GrantTarget::Table(_) => DefaultPrivilegeOn::Tables.privileges(),
        GrantTarget::Sequence(_) => DefaultPrivilegeOn::Sequences.privileges(),
        GrantTarget::Function(_) => DefaultPrivilegeOn::Functions.privileges(),
        GrantTarget::Schema(_) => DefaultPrivilegeOn::Schemas.privileges(),
    }
}

/// Lower-case privilege names, or `["all"]` when they are every privilege `all` grants.
fn privilege_words(privileges: &[String], allowed: &[&str]) -> Vec<String> {
    let all: Vec<&str> = allowed
        .iter()
        .copied()
        .filter(|p| *p != "MAINTAIN")
        .collect();
    if all.len() > 1
        && all.iter().all(|p| privileges.iter().any(|x| x == p))
        && privileges.len() == all.len()
    {
        return vec!["all".into()];
    }
    privileges.iter().map(|p| p.to_ascii_lowercase()).collect()
}

fn unique_file(files: &BTreeMap<String, String>, name: String) -> String {
    if !files.contains_key(&name) {
        return name;
    }
    let stem = name.trim_end_matches(".hcl").to_string();
    (2..)
        .map(|n| format!("{stem}_{n}.hcl"))
        .find(|n| !files.contains_key(n))
        .unwrap_or(name)
}

fn label_pref(q: &QName) -> String {
    q.name.clone()
}

/// Attribute lines of one block, `=` aligned the way `supaform fmt` lays them out.
struct Attrs {
    indent: String,
    lines: Vec<(String, String)>,
}

impl Attrs {
    fn new(depth: usize) -> Self {
        Attrs {
            indent: "  ".repeat(depth),
            lines: vec![],
        }
    }

    fn set(&mut self, key: &str, value: String) {
        self.lines.push((key.to_string(), value));
    }

    /// One run of aligned lines. Values are single-line or heredocs, and a heredoc stays in
    /// the run (fmt, like hclwrite, sees the whole heredoc as one line). Keys are ASCII.
    fn write(self, out: &mut String) {
        let width = self.lines.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
        for (k, v) in self.lines {
            let _ = writeln!(out, "{}{k:width$} = {v}", self.indent);
        }
    }
}

fn block_open(out: &mut String, depth: usize, head: &str) {
    let _ = writeln!(out, "{}{head} {{", "  ".repeat(depth));
}

fn block_close(out: &mut String, depth: usize) {
    let _ = writeln!(out, "{}}}", "  ".repeat(depth));
}

fn name_schema(a: &mut Attrs, label: &str, q: &QName) {
    if label != q.name {
        a.set("name", hcl_string(&q.name));
    }
    if q.schema != "public" {
        a.set("schema", hcl_string(&q.schema));
    }
}

fn domain_block(s: &mut String, label: &str, d: &Domain) {
    block_open(s, 0, &format!("domain {}", hcl_string(label)));
    let mut a = Attrs::new(1);
    name_schema(&mut a, label, &d.name);
    a.set("type", hcl_string(&d.base_type));
    if !d.nullable {
        a.set("null", "false".into());
    }
    if let Some(e) = &d.default {
        a.set("default", hcl_string(e));
    }
    if let Some(c) = &d.collation {
        a.set("collation", hcl_string(c));
    }
    if let Some(c) = &d.comment {
        a.set("comment", hcl_string(c));
    }
    a.write(s);
    for c in &d.checks {
        let _ = writeln!(
            s,
            "  check {} {{ expression = {} }}",
            hcl_string(&c.name),
            hcl_string(&c.expression)
        );
    }
    block_close(s, 0);
    s.push('\n');
}

fn collation_block(s: &mut String, label: &str, c: &Collation) {
    block_open(s, 0, &format!("collation {}", hcl_string(label)));
    let mut a = Attrs::new(1);
    name_schema(&mut a, label, &c.name);
    if c.provider != "libc" {
        a.set("provider", hcl_string(&c.provider));
    }
    a.set("locale", hcl_string(&c.locale));
    if let Some(t) = &c.lc_ctype {
        a.set("lc_ctype", hcl_string(t));
    }
    if !c.deterministic {
        a.set("deterministic", "false".into());
    }
    if let Some(t) = &c.comment {
        a.set("comment", hcl_string(t));
    }
    a.write(s);
    block_close(s, 0);
    s.push('\n');
}

fn bucket_block(s: &mut String, b: &crate::model::Bucket) {
    block_open(s, 0, &format!("bucket {}", hcl_string(&b.id)));
    let mut a = Attrs::new(1);
    if b.name != b.id {
        a.set("name", hcl_string(&b.name));
    }
    a.set("public", b.public.to_string());
    if let Some(n) = b.file_size_limit {
        a.set("file_size_limit", n.to_string());
    }
    if let Some(t) = &b.allowed_mime_types {
        a.set("allowed_mime_types", list(t));
    }
    a.write(s);
    block_close(s, 0);
    s.push('\n');
}

fn composite_block(s: &mut String, label: &str, t: &CompositeType) {
    block_open(s, 0, &format!("composite_type {}", hcl_string(label)));
    let mut a = Attrs::new(1);
    name_schema(&mut a, label, &t.name);
    if let Some(c) = &t.comment {
        a.set("comment", hcl_string(c));
    }
    a.write(s);
    for at in &t.attributes {
        let _ = writeln!(
            s,
            "  attribute {} {{ type = {} }}",
            hcl_string(&at.name),
            hcl_string(&at.data_type)
        );
    }
    block_close(s, 0);
    s.push('\n');
}

impl Writer<'_> {
    fn project(&self) -> String {
        let mut roles: Vec<String> = self.model.project.managed_roles.clone();
        let builtin = crate::model::SUPABASE_ROLES;
        let used = self
            .model
            .policies
            .values()
            .flat_map(|p| p.roles.iter())
            .chain(self.model.grants.iter().map(|g| &g.role))
            .chain(
                self.model
                    .default_privileges
                    .iter()
                    .flat_map(|d| [&d.owner, &d.role]),
            );
        for r in used {
            if !builtin.contains(&r.as_str()) && !roles.contains(r) {
                roles.push(r.clone());
            }
        }
        let mut s = String::new();
        block_open(&mut s, 0, "project");
        let mut a = Attrs::new(1);
        if let Some(n) = &self.model.project.name {
            a.set("name", hcl_string(n));
        }
        // Without the list every user schema is managed; it is written only when the
        // import was narrowed to some (`--schema`).
        if self.model.project.schemas_listed {
            a.set("schemas", list(&self.model.project.schemas));
        }
        a.set("managed_roles", list(&roles));
        a.write(&mut s);
        block_close(&mut s, 0);
        s.push('\n');
        s.push_str("environment \"local\" {}\n");
        for sc in self.model.schemas.values() {
            s.push('\n');
            match &sc.comment {
                Some(c) => {
                    block_open(&mut s, 0, &format!("schema {}", hcl_string(&sc.name)));
                    let mut a = Attrs::new(1);
                    a.set("comment", hcl_string(c));
                    a.write(&mut s);
                    block_close(&mut s, 0);
                }
                None => {
                    let _ = writeln!(s, "schema {} {{}}", hcl_string(&sc.name));
                }
            }
        }
        for e in self.model.extensions.values() {
            s.push('\n');
            block_open(&mut s, 0, &format!("extension {}", hcl_string(&e.name)));
            let mut a = Attrs::new(1);
            a.set("schema", hcl_string(&e.schema));
            if let Some(v) = &e.version {
                a.set("version", hcl_string(v));
            }
            a.write(&mut s);
            block_close(&mut s, 0);
        }
        s
    }

    fn enum_block(&self, s: &mut String, e: &Enum) {
        let label = &self.enums[&e.name];
        block_open(s, 0, &format!("enum {}", hcl_string(label)));
        let mut a = Attrs::new(1);
        name_schema(&mut a, label, &e.name);
        a.set("values", list(&e.values));
        if let Some(c) = &e.comment {
            a.set("comment", hcl_string(c));
        }
        a.write(s);
        block_close(s, 0);
        s.push('\n');
    }

    fn table_ref(&self, q: &QName) -> Option<String> {
        self.tables
            .get(q)
            .map(|l| format!("table.{l}"))
            .or_else(|| self.views.get(q).map(|l| format!("view.{l}")))
    }

    fn table_block(&self, s: &mut String, t: &Table) {
        let label = &self.tables[&t.name];
        block_open(s, 0, &format!("table {}", hcl_string(label)));
        let mut a = Attrs::new(1);
        name_schema(&mut a, label, &t.name);
        if let Some(c) = &t.comment {
            a.set("comment", hcl_string(c));
        }
        if let Some(k) = &t.partition_by {
            a.set("partition_by", hcl_string(k));
        }
        if let Some(p) = &t.partition_of {
            match self.tables.get(&p.parent) {
                Some(l) => a.set("partition_of", format!("table.{l}")),
                None => a.set("partition_of", hcl_string(&p.parent.to_string())),
            }
            a.set("partition_bound", hcl_string(&p.bound));
        }
        // Attribute lines with nothing between them form one aligned run.
        if !t.columns.is_empty() {
            a.write(s);
            a = Attrs::new(1);
        }
        for c in &t.columns {
            let mut a = Attrs::new(2);
            match &c.enum_type {
                Some(q) if self.enums.contains_key(q) => {
                    a.set("type", format!("enum.{}", self.enums[q]))
                }
                _ => a.set("type", hcl_string(&c.data_type)),
            }
            if c.nullable {
                a.set("null", "true".into());
            }
            match &c.default {
                Some(DefaultValue::Sql(e)) => a.set("default", format!("sql({})", hcl_string(e))),
                Some(DefaultValue::Literal(Literal::String(v))) => a.set("default", hcl_string(v)),
                Some(DefaultValue::Literal(Literal::Number(n))) => {
                    a.set("default", n.number.clone())
                }
                Some(DefaultValue::Literal(Literal::Bool(b))) => a.set("default", b.to_string()),
                Some(DefaultValue::Literal(Literal::Null)) | None => {}
            }
            if let Some(i) = c.identity {
                a.set("identity", hcl_string(i.as_str()));
            }
            if let Some(g) = &c.generated {
                a.set("generated", hcl_string(g));
            }
            if let Some(co) = &c.collation {
                a.set("collation", hcl_string(co));
            }
            if let Some(cm) = &c.comment {
                a.set("comment", hcl_string(cm));
            }
            let head = format!("column {}", hcl_string(&c.name));
            if c.identity_sequence.is_none() && a.lines.len() == 1 && !a.lines[0].1.contains('\n') {
                let _ = writeln!(s, "  {head} {{ {} = {} }}", a.lines[0].0, a.lines[0].1);
            } else {
                block_open(s, 1, &head);
                a.write(s);
                if let Some(q) = &c.identity_sequence {
                    sequences::identity_sequence_block(s, q);
                }
                block_close(s, 1);
            }
        }
        if let Some(pk) = &t.primary_key {
            a.set("primary_key", list(&pk.columns));
            if let Some(n) = &pk.name {
                if *n != crate::config::default_constraint_name(&t.name.name, "pkey") {
                    a.set("primary_key_name", hcl_string(n));
                }
            }
            if let Some(d) = pk.deferrable.spelled() {
                a.set("primary_key_deferrable", hcl_string(d));
            }
        }
        if !t.inherits.is_empty() {
            let parents: Vec<String> = t
                .inherits
                .iter()
                .map(|q| {
                    self.table_ref(q)
                        .unwrap_or_else(|| hcl_string(&q.to_string()))
                })
                .collect();
            a.set("inherits", format!("[{}]", parents.join(", ")));
        }
        if t.unlogged {
            a.set("unlogged", "true".into());
        }
        if let Some(r) = t.realtime {
            a.set("realtime", r.to_string());
        }
        if let Some(r) = &t.replica_identity {
            a.set("replica_identity", hcl_string(&r.spelled()));
        }
        a.write(s);
        for fk in &t.foreign_keys {
            block_open(s, 1, &format!("foreign_key {}", hcl_string(&fk.name)));
            let mut a = Attrs::new(2);
            a.set("columns", list(&fk.columns));
            let target_pk = self
                .model
                .tables
                .get(&fk.ref_table)
                .and_then(|t| t.primary_key.as_ref().map(|p| p.columns.clone()));
            match self.tables.get(&fk.ref_table) {
                Some(l) => {
                    a.set("references", format!("table.{l}"));
                    if target_pk.as_ref() != Some(&fk.ref_columns) {
                        a.set("ref_columns", list(&fk.ref_columns));
                    }
                }
                None => a.set(
                    "references",
                    hcl_string(&format!("{}({})", fk.ref_table, fk.ref_columns.join(", "))),
                ),
            }
            if fk.on_delete != FkAction::NoAction {
                a.set("on_delete", hcl_string(fk.on_delete.as_str()));
            }
            if fk.on_update != FkAction::NoAction {
                a.set("on_update", hcl_string(fk.on_update.as_str()));
            }
            if let Some(d) = fk.deferrable.spelled() {
                a.set("deferrable", hcl_string(d));
            }
            a.write(s);
            block_close(s, 1);
        }
        for i in &t.indexes {
            index_block(s, i);
        }
        for u in &t.uniques {
            block_open(s, 1, &format!("unique {}", hcl_string(&u.name)));
            let mut a = Attrs::new(2);
            a.set("columns", list(&u.columns));
            if u.nulls_not_distinct {
                a.set("nulls_not_distinct", "true".into());
            }
            if let Some(d) = u.deferrable.spelled() {
                a.set("deferrable", hcl_string(d));
            }
            a.write(s);
            block_close(s, 1);
        }
        for x in &t.exclusions {
            let _ = writeln!(
                s,
                "  exclude {} {{ definition = {} }}",
                hcl_string(&x.name),
                hcl_string(&x.definition)
            );
        }
        for c in &t.checks {
            if c.no_inherit {
                block_open(s, 1, &format!("check {}", hcl_string(&c.name)));
                let mut a = Attrs::new(2);
                a.set("expression", hcl_string(&c.expression));
                a.set("no_inherit", "true".into());
                a.write(s);
                block_close(s, 1);
            } else {
                let _ = writeln!(
                    s,
                    "  check {} {{ expression = {} }}",
                    hcl_string(&c.name),
                    hcl_string(&c.expression)
                );
            }
        }
        if t.rls.force {
            block_open(s, 1, "rls");
            let mut a = Attrs::new(2);
            a.set("enabled", t.rls.enabled.to_string());
            a.set("force", "true".into());
            a.write(s);
            block_close(s, 1);
        } else if t.rls.enabled {
            s.push_str("  rls { enabled = true }\n");
        }
        block_close(s, 0);
        s.push('\n');
    }

    fn policy_block(&mut self, s: &mut String, p: &Policy) {
        let label = self
            .labels
            .take("policy", &p.name, &format!("{}_{}", p.table.name, p.name));
        block_open(s, 0, &format!("policy {}", hcl_string(&label)));
        let mut a = Attrs::new(1);
        if label != p.name {
            a.set("name", hcl_string(&p.name));
        }
        a.set(
            "table",
            self.table_ref(&p.table)
                .unwrap_or_else(|| hcl_string(&p.table.to_string())),
        );
        a.set("command", hcl_string(p.command.as_str()));
        a.set("roles", list(&p.roles));
        if !p.permissive {
            a.set("as", hcl_string("restrictive"));
        }
        if let Some(u) = &p.using {
            a.set("using", hcl_string(u));
        }
        if let Some(c) = &p.check {
            a.set("check", hcl_string(c));
        }
        a.write(s);
        block_close(s, 0);
        s.push('\n');
    }

    fn grant_block(&mut self, s: &mut String, g: &Grant) {
        // Privileges held with and without the grant option: a block each.
        if !g.grantable.is_empty() && g.grantable != g.privileges {
            let plain = Grant {
                privileges: g
                    .privileges
                    .iter()
                    .filter(|p| !g.grantable.contains(p))
                    .cloned()
                    .collect(),
                grantable: vec![],
                ..g.clone()
            };
            let grantable = Grant {
                privileges: g.grantable.clone(),
                ..g.clone()
            };
            self.grant_block(s, &plain);
            self.grant_block(s, &grantable);
            return;
        }
        let on = match &g.target {
            GrantTarget::Table(q) => self
                .table_ref(q)
                .unwrap_or_else(|| hcl_string(&q.to_string())),
            GrantTarget::Function(q) => match self.functions.get(q) {
                Some(l) => format!("function.{l}"),
                None => return,
            },
            GrantTarget::Schema(sc)
                if self.model.schemas.contains_key(sc) && ident_label(sc) == *sc =>
            {
                format!("schema.{sc}")
            }
            GrantTarget::Schema(sc) if sc == "public" => hcl_string("public"),
            GrantTarget::Sequence(q) => hcl_string(&q.to_string()),
            GrantTarget::Schema(_) => return,
        };
        let target_name = match &g.target {
            GrantTarget::Table(q) | GrantTarget::Function(q) | GrantTarget::Sequence(q) => {
                q.name.clone()
            }
            GrantTarget::Schema(sc) => sc.clone(),
        };
        let label = self.labels.take(
            "grant",
            &format!("{target_name}_{}", g.role),
            &format!("{}_{}", g.target, g.role),
        );
        block_open(s, 0, &format!("grant {}", hcl_string(&label)));
        let mut a = Attrs::new(1);
        match &g.target {
            GrantTarget::Sequence(_) => a.set("sequence", on),
            _ => a.set("on", on),
        }
        a.set("roles", list(std::slice::from_ref(&g.role)));
        a.set(
            "privileges",
            list(&privilege_words(&g.privileges, all_for(&g.target))),
        );
        if !g.columns.is_empty() {
            a.set("columns", list(&g.columns));
        }
        if !g.grantable.is_empty() {
            a.set("with_grant_option", "true".to_string());
        }
        a.write(s);
        block_close(s, 0);
        s.push('\n');
    }

    fn default_privileges_block(&mut self, s: &mut String, d: &DefaultPrivilege) {
        let label = self.labels.take(
            "default_privileges",
            &format!("{}_{}_{}", d.owner, d.on.as_str(), d.role),
            &format!(
                "{}_{}_{}_{}",
                d.owner,
                d.schema.as_deref().unwrap_or("all"),
                d.on.as_str(),
                d.role
            ),
        );
        block_open(s, 0, &format!("default_privileges {}", hcl_string(&label)));
        let mut a = Attrs::new(1);
        a.set("owner", hcl_string(&d.owner));
        if let Some(sc) = &d.schema {
            a.set("schema", hcl_string(sc));
        }
        a.set("on", hcl_string(d.on.as_str()));
        a.set("roles", list(std::slice::from_ref(&d.role)));
        a.set(
            "privileges",
            list(&privilege_words(&d.privileges, d.on.privileges())),
        );
        a.write(s);
        block_close(s, 0);
        s.push('\n');
    }

    fn function_block(&self, s: &mut String, f: &Function) {
        let label = &self.functions[&f.key()];
        block_open(s, 0, &format!("function {}", hcl_string(label)));
        let mut a = Attrs::new(1);
        name_schema(&mut a, label, &f.name);
        if !f.args.is_empty() {
            a.write(s);
            a = Attrs::new(1);
        }
        for arg in &f.args {
            block_open(s, 1, &format!("argument {}", hcl_string(&arg.name)));
            let mut a = Attrs::new(2);
            a.set("type", hcl_string(&arg.data_type));
            if arg.mode != ArgMode::In {
                a.set("mode", hcl_string(arg.mode.as_str()));
            }
            if let Some(d) = &arg.default {
                a.set("default", hcl_string(d));
            }
            a.write(s);
            block_close(s, 1);
        }
        if f.procedure {
            a.set("procedure", "true".into());
        } else {
            a.set("returns", hcl_string(&f.returns));
        }
        a.set("language", hcl_string(&f.language));
        if f.security == Security::Definer {
            a.set("security", hcl_string("definer"));
        }
        if f.volatility != Volatility::Volatile {
            a.set("volatility", hcl_string(f.volatility.as_str()));
        }
        if let Some(n) = f.rows {
            a.set("rows", n.to_string());
        }
        if let Some(p) = &f.parallel {
            a.set("parallel", hcl_string(p));
        }
        if f.strict {
            a.set("strict", "true".into());
        }
        if let Some(p) = &f.search_path {
            a.set("search_path", hcl_string(p));
        }
        if let Some(c) = &f.comment {
            a.set("comment", hcl_string(c));
        }
        a.set("body", hcl_text(&f.body, "  "));
        a.write(s);
        block_close(s, 0);
        s.push('\n');
    }

    fn trigger_block(&mut self, s: &mut String, t: &Trigger) {
        let label = self
            .labels
            .take("trigger", &t.name, &format!("{}_{}", t.table.name, t.name));
        block_open(s, 0, &format!("trigger {}", hcl_string(&label)));
        let mut a = Attrs::new(1);
        if label != t.name {
            a.set("name", hcl_string(&t.name));
        }
        a.set(
            "table",
            self.table_ref(&t.table)
                .unwrap_or_else(|| hcl_string(&t.table.to_string())),
        );
        a.set("timing", hcl_string(t.timing.as_str()));
        let events: Vec<String> = t.events.iter().map(|e| e.as_str().to_string()).collect();
        a.set("events", list(&events));
        if !t.update_of.is_empty() {
            a.set("update_of", list(&t.update_of));
        }
        if !t.for_each_row {
            a.set("level", hcl_string("statement"));
        }
        if let Some(w) = &t.when {
            a.set("when", hcl_string(w));
        }
        a.set(
            "function",
            match self.functions.get(&t.function) {
                Some(l) => format!("function.{l}"),
                None => hcl_string(&t.function.to_string()),
            },
        );
        if !t.arguments.is_empty() {
            a.set("arguments", list(&t.arguments));
        }
        a.write(s);
        block_close(s, 0);
        s.push('\n');
    }

    fn view_block(&self, s: &mut String, v: &View) {
        let label = &self.views[&v.name];
        block_open(s, 0, &format!("view {}", hcl_string(label)));
        let mut a = Attrs::new(1);
        name_schema(&mut a, label, &v.name);
        if v.security_invoker {
            a.set("security_invoker", "true".into());
        }
        if let Some(c) = &v.check_option {
            a.set("check_option", hcl_string(c));
        }
        if v.materialized {
            a.set("materialized", "true".into());
        }
        if let Some(c) = &v.comment {
            a.set("comment", hcl_string(c));
        }
        let q = if v.query.contains('\n') {
            format!("{}\n", v.query)
        } else {
            v.query.clone()
        };
        a.set("query", hcl_text(&q, "  "));
        a.write(s);
        for i in &v.indexes {
            index_block(s, i);
        }
        block_close(s, 0);
        s.push('\n');
    }
}

/// An `index "NAME"` block, nested in a table or materialized view.
fn index_block(s: &mut String, i: &Index) {
    block_open(s, 1, &format!("index {}", hcl_string(&i.name)));
    let mut a = Attrs::new(2);
    let all_columns: Option<Vec<String>> = i
        .parts
        .iter()
        .map(|p| match p {
            IndexPart::Column(c) => Some(c.clone()),
            IndexPart::Expression(_) => None,
        })
        .collect();
    match all_columns {
        Some(cols) => a.set("columns", list(&cols)),
        None => {
            let exprs: Vec<String> = i
                .parts
                .iter()
                .map(|p| match p {
                    IndexPart::Column(c) => crate::quote::ident_if_needed(c),
                    IndexPart::Expression(e) => e.clone(),
                })
                .collect();
            a.set("expressions", list(&exprs));
        }
    }
    if i.unique {
        a.set("unique", "true".into());
    }
    if let Some(p) = &i.predicate {
        a.set("where", hcl_string(p));
    }
    if i.method != "btree" {
        a.set("method", hcl_string(&i.method));
    }
    if !i.include.is_empty() {
        a.set("include", list(&i.include));
    }
    a.write(s);
    block_close(s, 1);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A model using every construct the writer emits, including the layouts that once
    /// came out misaligned: heredoc values inside a run, a function without arguments in
    /// another schema, a table without columns.
    const RICH: &str = r#"
project {
  name          = "rich"
  schemas       = ["public", "app"]
  managed_roles = ["anon", "authenticated", "service_role", "editor"]
}
schema "app" { comment = "application tables" }
extension "pg_trgm" { version = "1.6" }
enum "status" {
  schema  = "app"
  values  = ["draft", "paid", "sent"]
  comment = "postcard status"
}
table "empty" {
  schema  = "app"
  comment = "a table without columns"
}
table "profiles" {
  comment = "one per user"
  column "id" { type = "uuid" }
  column "username" {
    type      = "varchar(40)"
    null      = true
    collation = "C"
    comment   = "shown to others"
  }
  column "n" {
    type     = "bigint"
    identity = "always"
  }
  column "status" {
    type    = enum.status
    default = "draft"
  }
  column "score" {
    type    = "numeric(10,2)"
    default = 1.5
  }
  column "total" {
    type      = "numeric"
    generated = "score * 2"
  }
  column "created_at" {
    type    = "timestamptz"
    default = sql("now()")
  }
  primary_key      = ["id"]
  primary_key_name = "profiles_pk"
  foreign_key "profiles_id_fkey" {
    columns    = ["id"]
    references = "auth.users(id)"
    on_delete  = "cascade"
    deferrable = "deferred"
  }
  index "profiles_username_idx" {
    columns = ["username"]
    unique  = true
    where   = "username is not null"
    include = ["status"]
  }
  index "profiles_lower_idx" {
    expressions = ["lower(username)"]
    method      = "hash"
  }
  unique "profiles_username_key" {
    columns            = ["username"]
    nulls_not_distinct = true
  }
  check "username_length" { expression = "char_length(username) >= 3" }
  rls {
    enabled = true
    force   = true
  }
}
table "notes" {
  column "id" { type = "int" }
  column "author" { type = "uuid" }
  primary_key = ["id"]
  foreign_key "notes_author_fkey" {
    columns    = ["author"]
    references = table.profiles
    on_update  = "cascade"
  }
  rls { enabled = true }
}
policy "profiles_select_own" {
  table   = table.profiles
  command = "select"
  roles   = ["authenticated", "anon"]
  using   = "(select auth.uid()) = id"
}
policy "notes_write" {
  table   = table.notes
  command = "insert"
  roles   = ["editor"]
  check   = "true"
  as      = "restrictive"
}
grant "profiles_rw" {
  on         = table.profiles
  roles      = ["authenticated"]
  privileges = ["select", "insert", "update"]
  columns    = ["username"]
}
grant "app_usage" {
  on         = schema.app
  roles      = ["authenticated"]
  privileges = ["usage"]
}
function "handle_new_user" {
  schema      = "app"
  returns     = "trigger"
  language    = "plpgsql"
  security    = "definer"
  search_path = ""
  comment     = "creates a profile"
  body        = <<-SQL
    begin
      insert into public.profiles (id) values (new.id);
      return new;
    end;
  SQL
}
function "add" {
  argument "a" { type = "int" }
  argument "b" {
    type    = "int"
    default = "1"
  }
  returns    = "int"
  volatility = "immutable"
  strict     = true
  body       = "select a + b"
}
grant "add_exec" {
  on         = function.add
  roles      = ["anon"]
  privileges = ["execute"]
}
trigger "on_auth_user_created" {
  table    = "auth.users"
  timing   = "after"
  events   = ["insert"]
  function = function.handle_new_user
}
trigger "notes_touch" {
  table     = table.notes
  timing    = "before"
  events    = ["update"]
  update_of = ["author"]
  level     = "statement"
  when      = "true"
  function  = function.handle_new_user
}
view "public_profiles" {
  query            = <<-SQL
    select id, username
    from public.profiles
  SQL
  security_invoker = true
  comment          = "public columns"
}
"#;

    #[test]
    fn the_writer_lays_files_out_the_way_fmt_does() {
        let c = crate::config::load_str(
            std::path::Path::new("."),
            &[("main.hcl", RICH)],
            &Default::default(),
        )
        .unwrap_or_else(|e| panic!("{}", e.summary()));
        let raw = render(&c.model);
        assert!(raw.len() >= 6, "{raw:?}");
        for (name, text) in &raw {
            let formatted = crate::config::fmt::format_source(text)
                .unwrap_or_else(|d| panic!("{name}: {}", d.summary()));
            assert_eq!(&formatted, text, "{name} is not fmt-clean");
        }
        assert_eq!(write_model(&c.model), raw);
        let all: String = raw.iter().map(|(_, t)| t.as_str()).collect();
        assert!(all.contains("  body        = <<SQL\n"), "{all}");
        assert!(
            all.contains("  schema  = \"app\"\n  comment = \"a table"),
            "{all}"
        );
    }

    #[test]
    fn strings_escape_quotes_backslashes_and_template_markers() {
        assert_eq!(
            hcl_string("a \"b\" \\ ${x} %{y}\n"),
            r#""a \"b\" \\ $${x} %%{y}\n""#
        );
        assert_eq!(hcl_string("tab\there"), r#""tab\there""#);
    }

    #[test]
    fn labels_are_identifiers_and_unique() {
        let mut l = Labels::default();
        assert_eq!(l.take("table", "My Table", "x"), "My_Table");
        assert_eq!(
            l.take("table", "My Table", "public_My Table"),
            "public_My_Table"
        );
        assert_eq!(
            l.take("table", "My Table", "public_My Table"),
            "public_My_Table_2"
        );
        assert_eq!(l.take("table", "1st", "x"), "_1st");
    }
}
