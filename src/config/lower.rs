//! Lowering: parsed HCL blocks → typed [`Model`] objects, with every problem reported as a
//! diagnostic at its span (the loader keeps going to report all of them).

use super::diag::Diag;
use super::eval::{suggest, Evaluator, Ref, Spanned, Value};
use super::source::{Sources, Span};
use super::{Dep, SourceMap};
use crate::model::*;
use hcl::edit::structure::{Attribute, Block, BlockLabel, Body, Structure};
use hcl::edit::Span as _;
use std::collections::{BTreeMap, BTreeSet};

/// A declared block: where it is and what it is called in the database.
#[derive(Debug, Clone)]
pub(super) struct Decl {
    pub span: Span,
    pub address: Address,
}

/// One block being read: its attributes and nested blocks, with the spans to blame.
pub(super) struct Blk<'a> {
    pub kind: String,
    pub file: usize,
    pub head: Span,
    pub labels: Vec<(String, Span)>,
    pub attrs: Vec<&'a Attribute>,
    pub blocks: Vec<&'a Block>,
    /// Address used to record attribute spans in the source map.
    pub addr: String,
}

impl<'a> Blk<'a> {
    pub fn new(block: &'a Block, file: usize) -> Self {
        let head_start = block.ident.span().map(|r| r.start).unwrap_or(0);
        let head_end = block
            .labels
            .last()
            .and_then(|l| l.span())
            .or_else(|| block.ident.span())
            .map(|r| r.end)
            .unwrap_or(head_start);
        let (attrs, blocks) = split_body(&block.body);
        Blk {
            kind: block.ident.value().to_string(),
            file,
            head: Span::new(file, head_start..head_end),
            labels: block
                .labels
                .iter()
                .map(|l| {
                    let text = match l {
                        BlockLabel::Ident(i) => i.value().to_string(),
                        BlockLabel::String(s) => s.value().to_string(),
                    };
                    (
                        text,
                        Span::new(file, l.span().unwrap_or(head_start..head_end)),
                    )
                })
                .collect(),
            attrs,
            blocks,
            addr: String::new(),
        }
    }

    pub fn label(&self) -> &str {
        self.labels.first().map(|l| l.0.as_str()).unwrap_or("")
    }

    pub fn label_span(&self) -> &Span {
        self.labels.first().map(|l| &l.1).unwrap_or(&self.head)
    }

    pub fn attr(&self, name: &str) -> Option<&'a Attribute> {
        self.attrs
            .iter()
            .copied()
            .find(|a| a.key.value().as_str() == name)
    }

    /// What to call this block in messages: `table "profiles"`.
    pub fn describe(&self) -> String {
        match self.labels.first() {
            Some((l, _)) => format!("{} \"{}\"", self.kind, l),
            None => self.kind.clone(),
        }
    }
}

pub(super) fn split_body(body: &Body) -> (Vec<&Attribute>, Vec<&Block>) {
    let mut attrs = Vec::new();
    let mut blocks = Vec::new();
    for s in body.iter() {
        match s {
            Structure::Attribute(a) => attrs.push(a),
            Structure::Block(b) => blocks.push(b),
        }
    }
    (attrs, blocks)
}

pub(super) fn attr_span(a: &Attribute, file: usize) -> Span {
    Span::new(file, a.span().unwrap_or(0..0))
}

pub(super) fn key_span(a: &Attribute, file: usize) -> Span {
    Span::new(file, a.key.span().or_else(|| a.span()).unwrap_or(0..0))
}

/// Attribute names people reach for, and the attribute supaform calls it.
const ALIASES: &[(&str, &str)] = &[
    ("nullable", "null"),
    ("not_null", "null"),
    ("optional", "null"),
    ("data_type", "type"),
    ("datatype", "type"),
    ("default_value", "default"),
    ("pk", "primary_key"),
    ("primary", "primary_key"),
    ("references_table", "references"),
    ("ondelete", "on_delete"),
    ("role", "roles"),
    ("privilege", "privileges"),
    ("event", "events"),
    ("cmd", "command"),
    ("for", "command"),
    ("with_check", "check"),
    ("definition", "query"),
    ("sql", "body"),
    ("return_type", "returns"),
    ("return", "returns"),
];

/// Platform tables that policies and triggers may be declared on by string.
const PLATFORM_TABLES: &[&str] = &["auth.users", "storage.objects", "storage.buckets"];

pub(super) struct Lowerer<'s, 'e> {
    pub sources: &'s Sources,
    pub ev: &'s Evaluator<'e>,
    pub diags: Vec<Diag>,
    pub decls: BTreeMap<(String, String), Decl>,
    pub spans: SourceMap,
    pub deps: Vec<Dep>,
    pub model: Model,
    pub config_dir: std::path::PathBuf,
}

type Loc = (String, Span);

impl Lowerer<'_, '_> {
    pub fn push(&mut self, d: Diag) {
        self.diags.push(d);
    }

    /// Report attributes and nested blocks that the block kind does not have.
    pub fn check_shape(&mut self, b: &Blk, attrs: &[&str], blocks: &[&str]) {
        let mut seen: BTreeMap<String, Span> = BTreeMap::new();
        for a in &b.attrs {
            let key = a.key.value().to_string();
            let ks = key_span(a, b.file);
            if let Some(first) = seen.get(&key) {
                let loc = self.sources.location(first);
                self.push(
                    Diag::new(
                        "config::duplicate_attribute",
                        format!("`{key}` is set twice in {}", b.describe()),
                    )
                    .at(&ks, "set again here")
                    .help(format!("the first is at {loc}; keep one")),
                );
                continue;
            }
            seen.insert(key.clone(), ks.clone());
            if !attrs.contains(&key.as_str()) {
                let mut d = Diag::new(
                    "config::unknown_attribute",
                    format!("{} has no attribute `{key}`", b.describe()),
                )
                .at(&ks, "unknown attribute");
                let alias = ALIASES
                    .iter()
                    .find(|(wrong, right)| {
                        attrs.contains(right) && suggest(&key, [*wrong]).is_some()
                    })
                    .map(|(_, right)| *right);
                d = match suggest(&key, attrs.iter().copied()).or(alias) {
                    Some(s) => d.help(format!("did you mean `{s}`?")),
                    None if blocks.contains(&key.as_str()) => {
                        d.help(format!("`{key}` is a block: {key} {{ ... }}"))
                    }
                    None => d.help(format!("{} accepts: {}", b.kind, attrs.join(", "))),
                };
                self.push(d);
            }
        }
        for nb in &b.blocks {
            let name = nb.ident.value().to_string();
            if !blocks.contains(&name.as_str()) {
                let span = Span::new(b.file, nb.ident.span().unwrap_or(0..0));
                let mut d = Diag::new(
                    "config::unknown_block",
                    format!("{} has no `{name}` block", b.describe()),
                )
                .at(&span, "unknown block");
                d = match suggest(&name, blocks.iter().copied()) {
                    Some(s) => d.help(format!("did you mean `{s}`?")),
                    None if attrs.contains(&name.as_str()) => {
                        d.help(format!("`{name}` is an attribute: {name} = ..."))
                    }
                    None if blocks.is_empty() => {
                        d.help(format!("{} takes no nested blocks", b.kind))
                    }
                    None => d.help(format!(
                        "{} accepts the blocks: {}",
                        b.kind,
                        blocks.join(", ")
                    )),
                };
                self.push(d);
            }
        }
    }

    /// Check that a block has `n` labels.
    pub fn check_labels(&mut self, b: &Blk, n: usize, example: &str) -> bool {
        if b.labels.len() == n {
            return true;
        }
        let span = b
            .labels
            .get(n)
            .map(|l| l.1.clone())
            .unwrap_or(b.head.clone());
        let a = article(&b.kind);
        let msg = match n {
            0 => format!("{a} `{}` block takes no label", b.kind),
            1 => format!("{a} `{}` block takes exactly one label", b.kind),
            _ => format!("{a} `{}` block takes {n} labels", b.kind),
        };
        self.push(
            Diag::new("config::wrong_labels", msg)
                .at(&span, "here")
                .help(format!("write it as: {example}")),
        );
        false
    }

    // ---- attribute getters -------------------------------------------------------------

    pub fn val(&mut self, b: &Blk, name: &str) -> Option<Spanned> {
        let a = b.attr(name)?;
        match self.ev.eval(&a.value, b.file) {
            Ok(v) => {
                if !b.addr.is_empty() {
                    self.spans
                        .insert((b.addr.clone(), name.to_string()), v.span.clone());
                }
                Some(v)
            }
            Err(d) => {
                self.push(d);
                None
            }
        }
    }

    pub fn missing(&mut self, b: &Blk, name: &str, example: &str) {
        self.push(
            Diag::new(
                "config::missing_attribute",
                format!(
                    "{} is missing the required attribute `{name}`",
                    b.describe()
                ),
            )
            .at(&b.head, format!("needs `{name}`"))
            .help(format!("add {name} = {example}")),
        );
    }

    pub(super) fn wrong_type(&mut self, v: &Spanned, name: &str, expected: &str) {
        self.wrong_type_of(v, &format!("`{name}`"), expected);
    }

    /// `what` is already formatted: "`roles`", "each item of `roles`".
    fn wrong_type_of(&mut self, v: &Spanned, what: &str, expected: &str) {
        self.push(
            Diag::new(
                "config::wrong_type",
                format!("{what} must be {expected}, not {}", a_type(&v.value)),
            )
            .at(&v.span, format!("expected {expected}")),
        );
    }

    pub fn string(&mut self, b: &Blk, name: &str) -> Option<Loc> {
        let v = self.val(b, name)?;
        match v.value {
            Value::String(s) => Some((s, v.span)),
            _ => {
                self.wrong_type(&v, name, "a string");
                None
            }
        }
    }

    pub fn req_string(&mut self, b: &Blk, name: &str, example: &str) -> Option<Loc> {
        if b.attr(name).is_none() {
            self.missing(b, name, example);
            return None;
        }
        self.string(b, name)
    }

    pub fn boolean(&mut self, b: &Blk, name: &str) -> Option<bool> {
        let v = self.val(b, name)?;
        match v.value {
            Value::Bool(x) => Some(x),
            _ => {
                self.wrong_type(&v, name, "true or false");
                None
            }
        }
    }

    /// A whole number (`start = 1000`, `increment = -1`).
    pub fn integer(&mut self, b: &Blk, name: &str) -> Option<i64> {
        let v = self.val(b, name)?;
        match &v.value {
            Value::Number(n) => match n.parse::<i64>() {
                Ok(x) => Some(x),
                Err(_) => {
                    self.wrong_type(&v, name, "a whole number that fits in a bigint");
                    None
                }
            },
            _ => {
                self.wrong_type(&v, name, "a whole number");
                None
            }
        }
    }

    /// A list of strings (duplicates reported).
    pub fn strings(&mut self, b: &Blk, name: &str) -> Option<Vec<Loc>> {
        let v = self.val(b, name)?;
        let Value::List(items) = v.value else {
            self.wrong_type(&v, name, "a list of strings");
            return None;
        };
        let mut out: Vec<Loc> = Vec::new();
        let mut ok = true;
        for it in items {
            match it.value {
                Value::String(s) => {
                    if out.iter().any(|(x, _)| *x == s) {
                        self.push(
                            Diag::new(
                                "config::duplicate_value",
                                format!("`{s}` appears twice in `{name}`"),
                            )
                            .at(&it.span, "duplicate"),
                        );
                        ok = false;
                    }
                    out.push((s, it.span));
                }
                _ => {
                    self.wrong_type_of(&it, &format!("each item of `{name}`"), "a string");
                    ok = false;
                }
            }
        }
        ok.then_some(out)
    }

    pub fn req_strings(&mut self, b: &Blk, name: &str, example: &str) -> Option<Vec<Loc>> {
        if b.attr(name).is_none() {
            self.missing(b, name, example);
            return None;
        }
        let v = self.strings(b, name)?;
        if v.is_empty() {
            let span = b
                .attr(name)
                .map(|a| attr_span(a, b.file))
                .unwrap_or(b.head.clone());
            self.push(
                Diag::new("config::empty_list", format!("`{name}` must not be empty"))
                    .at(&span, "empty list"),
            );
            return None;
        }
        Some(v)
    }

    /// A required list that may be empty (`privileges = []` revokes everything).
    pub fn req_strings_or_empty(&mut self, b: &Blk, name: &str, example: &str) -> Option<Vec<Loc>> {
        if b.attr(name).is_none() {
            self.missing(b, name, example);
            return None;
        }
        self.strings(b, name)
    }

    /// One of a fixed set of words.
    pub fn choice<T: Copy>(&mut self, b: &Blk, name: &str, options: &[(&str, T)]) -> Option<T> {
        let (s, span) = self.string(b, name)?;
        self.pick(&s, &span, &format!("value for `{name}`"), options)
    }

    pub fn pick<T: Copy>(
        &mut self,
        s: &str,
        span: &Span,
        name: &str,
        options: &[(&str, T)],
    ) -> Option<T> {
        let lower = s.to_ascii_lowercase();
        if let Some((_, v)) = options.iter().find(|(k, _)| *k == lower) {
            return Some(*v);
        }
        let names: Vec<&str> = options.iter().map(|(k, _)| *k).collect();
        let mut d = Diag::new(
            "config::invalid_value",
            format!("`{s}` is not a valid {name}"),
        )
        .at(span, "not one of the valid values");
        d = match suggest(&lower, names.iter().copied()) {
            Some(x) => d.help(format!(
                "did you mean \"{x}\"? valid values: {}",
                names.join(", ")
            )),
            None => d.help(format!("valid values: {}", names.join(", "))),
        };
        self.push(d);
        None
    }

    /// A reference (`kind.LABEL`) or, where allowed, a string naming a platform object.
    pub fn reference(&mut self, b: &Blk, name: &str) -> Option<(Value, Span)> {
        let v = self.val(b, name)?;
        match v.value {
            Value::Ref(_) | Value::String(_) => Some((v.value, v.span)),
            _ => {
                self.wrong_type(&v, name, "a reference such as table.NAME, or a string");
                None
            }
        }
    }

    /// Resolve a reference to a declared block of one of `kinds`.
    pub fn resolve(&mut self, r: &Ref, span: &Span, kinds: &[&str]) -> Option<Address> {
        if !kinds.contains(&r.kind.as_str()) {
            self.push(
                Diag::new(
                    "config::invalid_reference",
                    format!(
                        "expected a reference to a {}, found `{r}`",
                        kinds.join(" or ")
                    ),
                )
                .at(span, "wrong kind of block"),
            );
            return None;
        }
        if let Some(d) = self.decls.get(&(r.kind.clone(), r.label.clone())) {
            return Some(d.address.clone());
        }
        let labels: Vec<&str> = self
            .decls
            .keys()
            .filter(|(k, _)| *k == r.kind)
            .map(|(_, l)| l.as_str())
            .collect();
        let mut d = Diag::new(
            "config::unknown_reference",
            format!(
                "`{r}` refers to {} {} that is not declared",
                article(&r.kind),
                r.kind
            ),
        )
        .at(span, "no such block");
        d = match suggest(&r.label, labels.iter().copied()) {
            Some(s) => d.help(format!("did you mean `{}.{s}`?", r.kind)),
            None if !labels.is_empty() && labels.len() <= 8 => d.help(format!(
                "declared {}s: {}; or declare it: {} \"{}\" {{ ... }}",
                r.kind,
                labels.join(", "),
                r.kind,
                r.label
            )),
            None => d.help(format!("declare it: {} \"{}\" {{ ... }}", r.kind, r.label)),
        };
        self.push(d);
        None
    }

    pub fn dep(&mut self, from: &Address, to: Address, span: &Span) {
        self.deps.push(Dep {
            from: from.clone(),
            to,
            span: span.clone(),
        });
    }

    /// `depends_on = [ ... ]`.
    pub fn depends_on(&mut self, b: &Blk, from: &Address) -> Vec<Address> {
        let mut out = Vec::new();
        let Some(v) = self.val(b, "depends_on") else {
            return out;
        };
        let Value::List(items) = v.value else {
            self.wrong_type(&v, "depends_on", "a list of references");
            return out;
        };
        for it in items {
            match &it.value {
                Value::Ref(r) => {
                    if let Some(a) = self.resolve(r, &it.span, super::eval::REF_KINDS) {
                        self.dep(from, a.clone(), &it.span);
                        out.push(a);
                    }
                }
                Value::String(s)
                    if s.split_once('.')
                        .is_some_and(|(k, _)| super::eval::REF_KINDS.contains(&k)) =>
                {
                    self.push(
                        Diag::new(
                            "config::wrong_type",
                            format!("each item of `depends_on` must be a reference, not the string \"{s}\""),
                        )
                        .at(&it.span, "quoted reference")
                        .help(format!("remove the quotes: {s}")),
                    );
                }
                _ => self.wrong_type_of(
                    &it,
                    "each item of `depends_on`",
                    "a reference such as table.NAME",
                ),
            }
        }
        out
    }

    /// `schema` attribute (default `public`), checked against the managed schemas.
    /// Read (and check) the `name` and `schema` attributes of a schema-qualified object.
    /// Its address was computed from them already; this reports their errors.
    pub fn check_name_and_schema(&mut self, b: &Blk) {
        let _ = self.string(b, "name");
        let _ = self.schema_attr(b);
    }

    pub fn schema_attr(&mut self, b: &Blk) -> String {
        let Some((s, span)) = self.string(b, "schema") else {
            return "public".into();
        };
        self.check_managed_schema(&s, &span);
        s
    }

    pub fn check_managed_schema(&mut self, s: &str, span: &Span) {
        if is_platform_schema(s) {
            self.push(
                Diag::new(
                    "config::platform_schema",
                    format!("`{s}` is a Supabase platform schema; supaform does not manage objects in it"),
                )
                .at(span, "platform schema")
                .help("put your objects in public or a schema of your own"),
            );
        } else if !self.model.project.schemas_listed {
            // Every user schema is managed: this one is now among the project's.
            if !self.model.project.schemas.iter().any(|x| x == s) {
                self.model.project.schemas.push(s.to_string());
                self.model.project.schemas.sort();
            }
        } else if !self.model.project.schemas.iter().any(|x| x == s) {
            self.push(
                Diag::new(
                    "config::unmanaged_schema",
                    format!("schema `{s}` is not managed by this project"),
                )
                .at(span, "not in project.schemas")
                .help(format!(
                    "add \"{s}\" to `schemas` in the project block (now: {})",
                    self.model.project.schemas.join(", ")
                )),
            );
        }
    }

    pub fn check_roles(&mut self, roles: &[Loc]) -> bool {
        let mut ok = true;
        for (r, span) in roles {
            let known = crate::model::SUPABASE_ROLES.contains(&r.as_str())
                || self.model.project.managed_roles.iter().any(|m| m == r);
            if !known {
                let mut candidates: Vec<&str> = crate::model::SUPABASE_ROLES.to_vec();
                candidates.extend(self.model.project.managed_roles.iter().map(String::as_str));
                let mut d = Diag::new("config::unknown_role", format!("unknown role `{r}`"))
                    .at(span, "not a role of this project");
                d = match suggest(r, candidates.iter().copied()) {
                    Some(s) => d.help(format!("did you mean \"{s}\"?")),
                    None => d.help(format!(
                        "add \"{r}\" to `managed_roles` in the project block, or use one of: {}",
                        candidates.join(", ")
                    )),
                };
                self.diags.push(d);
                ok = false;
            }
        }
        ok
    }

    /// A table given as `table.LABEL` or as a platform table string.
    pub fn table_target(&mut self, b: &Blk, name: &str, from: &Address) -> Option<QName> {
        if b.attr(name).is_none() {
            self.missing(b, name, "table.LABEL");
            return None;
        }
        let (v, span) = self.reference(b, name)?;
        match v {
            Value::Ref(r) => match self.resolve(&r, &span, &["table", "view"])? {
                a @ (Address::Table(_) | Address::View(_)) => {
                    self.dep(from, a.clone(), &span);
                    match a {
                        Address::Table(q) | Address::View(q) => Some(q),
                        _ => None,
                    }
                }
                _ => None,
            },
            Value::String(s) => {
                if PLATFORM_TABLES.contains(&s.as_str()) {
                    let (schema, table) = s.split_once('.').unwrap_or(("public", s.as_str()));
                    return Some(QName::new(schema, table));
                }
                let label = s.rsplit('.').next().unwrap_or(&s).to_string();
                let hint = if self
                    .decls
                    .contains_key(&("table".to_string(), label.clone()))
                {
                    format!("refer to the table block instead: table.{label}")
                } else {
                    format!(
                        "a string may only name a platform table ({}); declare your own tables with table blocks",
                        PLATFORM_TABLES.join(", ")
                    )
                };
                self.push(
                    Diag::new(
                        "config::unknown_table",
                        format!("`{s}` is not a table supaform knows"),
                    )
                    .at(&span, "unknown table")
                    .help(hint),
                );
                None
            }
            _ => None,
        }
    }
}

/// "a string", "an object", "null".
pub(super) fn a_type(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        other => {
            let t = other.type_name();
            format!("{} {t}", article(t))
        }
    }
}

pub(super) fn article(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

/// Postgres' own spelling of common type aliases, so `timestamptz` and
/// `timestamp with time zone` compare equal.
pub fn canonical_type(t: &str) -> String {
    let trimmed = t.trim();
    let (base, array) = match trimmed.strip_suffix("[]") {
        Some(b) => (b.trim_end(), "[]"),
        None => (trimmed, ""),
    };
    let lower = base.to_ascii_lowercase();
    // `name` or `name(args)`, nothing after the closing parenthesis.
    let (name, args) = match lower.find('(') {
        Some(i) if lower.ends_with(')') => {
            (lower[..i].trim().to_string(), lower[i..].replace(' ', ""))
        }
        Some(_) => return trimmed.to_string(),
        None => (lower.clone(), String::new()),
    };
    let mapped = match name.as_str() {
        "int" | "int4" | "integer" => "integer",
        "int2" | "smallint" => "smallint",
        "int8" | "bigint" => "bigint",
        "bool" | "boolean" => "boolean",
        "float8" | "double precision" => "double precision",
        "float4" | "real" => "real",
        "varchar" | "character varying" => "character varying",
        "char" | "character" | "bpchar" => "character",
        "decimal" | "numeric" => "numeric",
        "timestamptz" | "timestamp with time zone" => "timestamp with time zone",
        "timestamp" | "timestamp without time zone" => "timestamp without time zone",
        "timetz" | "time with time zone" => "time with time zone",
        "time" | "time without time zone" => "time without time zone",
        _ => return trimmed.to_string(),
    };
    // timestamp(3) with time zone keeps its precision inside the name.
    let out = if !args.is_empty() && mapped.contains(" with") {
        let (head, tail) = mapped.split_once(' ').unwrap_or((mapped, ""));
        format!("{head}{args} {tail}")
    } else {
        format!("{mapped}{args}")
    };
    format!("{out}{array}")
}

/// The name Postgres gives a constraint `<table>_<suffix>` (63-byte identifiers).
pub fn default_constraint_name(table: &str, suffix: &str) -> String {
    let max = 63 - suffix.len() - 1;
    let mut t = table.to_string();
    while t.len() > max {
        t.pop();
    }
    format!("{t}_{suffix}")
}

/// Lower a `table` block.
pub(super) fn lower_table(lw: &mut Lowerer, b: &mut Blk, addr: &Address) {
    let Address::Table(qn) = addr else { return };
    b.addr = addr.to_string();
    lw.check_shape(
        b,
        &[
            "name",
            "schema",
            "comment",
            "renamed_from",
            "primary_key",
            "primary_key_name",
            "primary_key_deferrable",
            "unlogged",
            "inherits",
            "realtime",
            "replica_identity",
            "partition_by",
            "partition_of",
            "partition_bound",
            "depends_on",
        ],
        &[
            "column",
            "foreign_key",
            "index",
            "unique",
            "check",
            "exclude",
            "rls",
            "lifecycle",
        ],
    );
    lw.check_name_and_schema(b);
    let mut t = Table::new(qn.clone());
    t.comment = lw.string(b, "comment").map(|s| s.0);
    t.renamed_from = lw.string(b, "renamed_from").map(|s| s.0);
    t.realtime = lw.boolean(b, "realtime");
    t.unlogged = lw.boolean(b, "unlogged").unwrap_or(false);
    lw.depends_on(b, addr);
    super::partitions::lower_partitioning(lw, b, addr, &mut t);
    super::partitions::lower_inherits(lw, b, addr, &mut t);
    super::partitions::check_no_columns(lw, b, &t);

    let mut part_names: BTreeMap<(&str, String), Span> = BTreeMap::new();
    let mut dup = |lw: &mut Lowerer, kind: &'static str, name: &str, span: &Span| {
        // Indexes and constraints share one namespace in Postgres.
        let ns = if kind == "column" {
            "column"
        } else {
            "relation"
        };
        if let Some(first) = part_names.get(&(ns, name.to_string())) {
            let loc = lw.sources.location(first);
            lw.push(
                Diag::new(
                    "config::duplicate_label",
                    format!("`{name}` is declared twice in table \"{}\"", qn.name),
                )
                .at(span, "declared again here")
                .help(format!("the first is at {loc}")),
            );
            true
        } else {
            part_names.insert((ns, name.to_string()), span.clone());
            false
        }
    };

    let nested: Vec<&Block> = b.blocks.clone();
    // Columns first, so other parts can check the names they use.
    for nb in nested
        .iter()
        .filter(|nb| nb.ident.value().as_str() == "column")
    {
        let mut cb = Blk::new(nb, b.file);
        if !lw.check_labels(&cb, 1, "column \"NAME\" { type = \"text\" }") {
            continue;
        }
        let name = cb.label().to_string();
        if dup(lw, "column", &name, cb.label_span()) {
            continue;
        }
        cb.addr = Address::TablePart(qn.clone(), "column", name.clone()).to_string();
        lw.check_shape(
            &cb,
            &[
                "type",
                "null",
                "default",
                "identity",
                "generated",
                "collation",
                "comment",
                "renamed_from",
            ],
            &["sequence"],
        );
        let mut c = Column::new(name, "");
        match lw.val(&cb, "type") {
            None if cb.attr("type").is_none() => lw.missing(&cb, "type", "\"text\""),
            None => {}
            Some(v) => match &v.value {
                Value::String(s) if s.starts_with("enum.") => {
                    lw.push(
                        Diag::new(
                            "config::wrong_type",
                            format!("\"{s}\" is a string, not a reference to an enum"),
                        )
                        .at(&v.span, "quoted reference")
                        .help(format!("remove the quotes: type = {s}")),
                    );
                }
                Value::String(s) if !s.trim().is_empty() => c.data_type = canonical_type(s),
                Value::Ref(r) => {
                    if let Some(Address::Enum(q)) = lw.resolve(r, &v.span, &["enum"]) {
                        lw.dep(addr, Address::Enum(q.clone()), &v.span);
                        c.data_type = format_type_name(&q);
                        c.enum_type = Some(q);
                    }
                }
                _ => lw.wrong_type(&v, "type", "a type name such as \"text\", or enum.NAME"),
            },
        }
        c.nullable = lw.boolean(&cb, "null").unwrap_or(false);
        if let Some(v) = lw.val(&cb, "default") {
            c.default = match v.value {
                Value::String(s) => Some(DefaultValue::Literal(Literal::String(s))),
                Value::Number(n) => Some(DefaultValue::Literal(Literal::number(n))),
                Value::Bool(x) => Some(DefaultValue::Literal(Literal::Bool(x))),
                Value::Null => None,
                Value::Sql(s) => Some(DefaultValue::Sql(s)),
                _ => {
                    lw.wrong_type(&v, "default", "a literal or sql(\"expression\")");
                    None
                }
            };
        }
        c.identity = lw.choice(
            &cb,
            "identity",
            &[
                ("always", Identity::Always),
                ("by default", Identity::ByDefault),
            ],
        );
        c.generated = lw.string(&cb, "generated").map(|s| s.0);
        if c.identity.is_some() && c.default.is_some() {
            let span = cb
                .attr("default")
                .map(|a| attr_span(a, cb.file))
                .unwrap_or(cb.head.clone());
            lw.push(
                Diag::new(
                    "config::conflicting_attributes",
                    "an identity column cannot also have a default",
                )
                .at(&span, "remove this default")
                .help("identity columns take their values from their sequence"),
            );
        }
        if c.generated.is_some() && (c.default.is_some() || c.identity.is_some()) {
            lw.push(
                Diag::new(
                    "config::conflicting_attributes",
                    "a generated column cannot have a default or be an identity",
                )
                .at(&cb.head, "generated column"),
            );
        }
        c.collation = lw.string(&cb, "collation").map(|s| s.0);
        c.comment = lw.string(&cb, "comment").map(|s| s.0);
        c.renamed_from = lw.string(&cb, "renamed_from").map(|s| s.0);
        c.identity_sequence = super::sequences::lower_identity_sequence(lw, &cb, &c).map(Box::new);
        t.columns.push(c);
    }

    let known: BTreeSet<String> = t.columns.iter().map(|c| c.name.clone()).collect();
    // A partition's columns are its parent's, and a child table's include its parents':
    // Postgres checks them when normalising.
    let partition = t.partition_of.is_some() || !t.inherits.is_empty();
    let check_cols = |lw: &mut Lowerer, cols: &[Loc], what: &str| -> bool {
        if partition {
            return true;
        }
        let mut ok = true;
        for (c, span) in cols {
            if !known.contains(c) {
                let mut d = Diag::new(
                    "config::unknown_column",
                    format!(
                        "{what} names `{c}`, which is not a column of table \"{}\"",
                        qn.name
                    ),
                )
                .at(span, "unknown column");
                d = match suggest(c, known.iter().map(String::as_str)) {
                    Some(s) => d.help(format!("did you mean \"{s}\"?")),
                    None => d.help(format!(
                        "the table's columns are: {}",
                        known.iter().cloned().collect::<Vec<_>>().join(", ")
                    )),
                };
                lw.push(d);
                ok = false;
            }
        }
        ok
    };

    if let Some(cols) = lw.strings(b, "primary_key") {
        if cols.is_empty() {
            let span = b
                .attr("primary_key")
                .map(|a| attr_span(a, b.file))
                .unwrap_or(b.head.clone());
            lw.push(
                Diag::new("config::empty_list", "`primary_key` must not be empty")
                    .at(&span, "empty list"),
            );
        } else if check_cols(lw, &cols, "primary_key") {
            for (c, _) in &cols {
                if let Some(col) = t.columns.iter_mut().find(|x| x.name == *c) {
                    col.nullable = false;
                }
            }
            let pk_name = lw
                .string(b, "primary_key_name")
                .map(|s| s.0)
                .unwrap_or_else(|| default_constraint_name(&qn.name, "pkey"));
            t.primary_key = Some(PrimaryKey {
                name: Some(pk_name),
                columns: cols.into_iter().map(|c| c.0).collect(),
                deferrable: super::constraints::lower_deferrable(lw, b, "primary_key_deferrable"),
            });
        }
    }

    for nb in nested.iter() {
        let kind = nb.ident.value().to_string();
        let mut pb = Blk::new(nb, b.file);
        match kind.as_str() {
            "column" => {}
            "foreign_key" => {
                if !lw.check_labels(
                    &pb,
                    1,
                    "foreign_key \"NAME\" { columns = [...], references = table.OTHER }",
                ) {
                    continue;
                }
                let name = pb.label().to_string();
                if dup(lw, "foreign_key", &name, pb.label_span()) {
                    continue;
                }
                let fk_addr = Address::TablePart(qn.clone(), "foreign_key", name.clone());
                pb.addr = fk_addr.to_string();
                lw.check_shape(
                    &pb,
                    &[
                        "columns",
                        "references",
                        "ref_columns",
                        "on_delete",
                        "on_update",
                        "deferrable",
                    ],
                    &[],
                );
                let cols = lw.req_strings(&pb, "columns", "[\"column\"]");
                let cols_ok = cols
                    .as_ref()
                    .map(|c| check_cols(lw, c, "foreign_key columns"));
                let on_delete = lw
                    .choice(&pb, "on_delete", &FkAction::ALL)
                    .unwrap_or_default();
                let on_update = lw
                    .choice(&pb, "on_update", &FkAction::ALL)
                    .unwrap_or_default();
                let deferrable = super::constraints::lower_deferrable(lw, &pb, "deferrable");
                let mut ref_cols = lw
                    .strings(&pb, "ref_columns")
                    .map(|v| v.into_iter().map(|c| c.0).collect::<Vec<_>>());
                let target = if pb.attr("references").is_none() {
                    lw.missing(&pb, "references", "table.OTHER");
                    None
                } else {
                    match lw.reference(&pb, "references") {
                        Some((Value::Ref(r), span)) => match lw.resolve(&r, &span, &["table"]) {
                            Some(a @ Address::Table(_)) => {
                                lw.dep(&fk_addr, addr.clone(), &span);
                                lw.dep(&fk_addr, a.clone(), &span);
                                match a {
                                    Address::Table(q) => Some((q, span)),
                                    _ => None,
                                }
                            }
                            _ => None,
                        },
                        Some((Value::String(s), span)) => match parse_table_ref(&s) {
                            Some((q, cols)) => {
                                lw.dep(&fk_addr, addr.clone(), &span);
                                if ref_cols.is_none() && !cols.is_empty() {
                                    ref_cols = Some(cols);
                                }
                                if !is_platform_schema(&q.schema) {
                                    lw.push(
                                        Diag::new(
                                            "config::string_reference",
                                            format!("`{s}` names a table in a schema supaform manages; use a reference"),
                                        )
                                        .at(&span, "string form")
                                        .help(format!("write references = table.{} so supaform orders the steps", q.name)),
                                    );
                                }
                                Some((q, span))
                            }
                            None => {
                                lw.push(
                                    Diag::new(
                                        "config::invalid_value",
                                        format!("`{s}` is not a table: expected \"schema.table\" or \"schema.table(column, ...)\""),
                                    )
                                    .at(&span, "cannot parse")
                                    .help("for example: references = \"auth.users(id)\""),
                                );
                                None
                            }
                        },
                        _ => None,
                    }
                };
                if let (Some(cols), Some(true), Some((target, span))) = (cols, cols_ok, target) {
                    lw.spans
                        .insert((fk_addr.to_string(), "references".into()), span);
                    t.foreign_keys.push(ForeignKey {
                        name,
                        columns: cols.into_iter().map(|c| c.0).collect(),
                        ref_table: target,
                        ref_columns: ref_cols.unwrap_or_default(),
                        on_delete,
                        on_update,
                        deferrable,
                        valid: true,
                    });
                }
            }
            "index" => {
                if !lw.check_labels(&pb, 1, "index \"NAME\" { columns = [\"column\"] }") {
                    continue;
                }
                let name = pb.label().to_string();
                if dup(lw, "index", &name, pb.label_span()) {
                    continue;
                }
                pb.addr = Address::TablePart(qn.clone(), "index", name.clone()).to_string();
                if let Some(i) = lower_index(
                    lw,
                    &pb,
                    name,
                    &known,
                    &mut |lw: &mut Lowerer, c: &[Loc], w: &str| check_cols(lw, c, w),
                ) {
                    t.indexes.push(i);
                }
            }
            "unique" => {
                if !lw.check_labels(&pb, 1, "unique \"NAME\" { columns = [\"column\"] }") {
                    continue;
                }
                let name = pb.label().to_string();
                if dup(lw, "unique", &name, pb.label_span()) {
                    continue;
                }
                pb.addr = Address::TablePart(qn.clone(), "unique", name.clone()).to_string();
                lw.check_shape(&pb, &["columns", "nulls_not_distinct", "deferrable"], &[]);
                let cols = lw.req_strings(&pb, "columns", "[\"column\"]");
                let nnd = lw.boolean(&pb, "nulls_not_distinct").unwrap_or(false);
                let deferrable = super::constraints::lower_deferrable(lw, &pb, "deferrable");
                if let Some(cols) = cols {
                    if check_cols(lw, &cols, "unique") {
                        t.uniques.push(Unique {
                            name,
                            columns: cols.into_iter().map(|c| c.0).collect(),
                            nulls_not_distinct: nnd,
                            deferrable,
                        });
                    }
                }
            }
            "exclude" => {
                if !lw.check_labels(
                    &pb,
                    1,
                    "exclude \"NAME\" { definition = \"using gist (during with &&)\" }",
                ) {
                    continue;
                }
                let name = pb.label().to_string();
                if dup(lw, "exclude", &name, pb.label_span()) {
                    continue;
                }
                pb.addr = Address::TablePart(qn.clone(), "exclude", name.clone()).to_string();
                if let Some(x) = super::constraints::lower_exclusion(lw, &pb, name) {
                    t.exclusions.push(x);
                }
            }
            "check" => {
                if !lw.check_labels(&pb, 1, "check \"NAME\" { expression = \"...\" }") {
                    continue;
                }
                let name = pb.label().to_string();
                if dup(lw, "check", &name, pb.label_span()) {
                    continue;
                }
                pb.addr = Address::TablePart(qn.clone(), "check", name.clone()).to_string();
                lw.check_shape(&pb, &["expression", "no_inherit"], &[]);
                let no_inherit = lw.boolean(&pb, "no_inherit").unwrap_or(false);
                if let Some((e, _)) = lw.req_string(&pb, "expression", "\"price > 0\"") {
                    t.checks.push(Check {
                        name,
                        expression: e,
                        valid: true,
                        no_inherit,
                    });
                }
            }
            "rls" => {
                if !lw.check_labels(&pb, 0, "rls { enabled = true }") {
                    continue;
                }
                pb.addr = addr.to_string();
                lw.check_shape(&pb, &["enabled", "force"], &[]);
                t.rls.enabled = lw.boolean(&pb, "enabled").unwrap_or(true);
                t.rls.force = lw.boolean(&pb, "force").unwrap_or(false);
            }
            "lifecycle" => {
                if !lw.check_labels(&pb, 0, "lifecycle { prevent_destroy = true }") {
                    continue;
                }
                lw.check_shape(&pb, &["prevent_destroy"], &[]);
                t.prevent_destroy = lw.boolean(&pb, "prevent_destroy").unwrap_or(false);
            }
            _ => {} // reported by check_shape
        }
    }
    t.foreign_keys.sort_by(|a, b| a.name.cmp(&b.name));
    t.indexes.sort_by(|a, b| a.name.cmp(&b.name));
    t.uniques.sort_by(|a, b| a.name.cmp(&b.name));
    t.checks.sort_by(|a, b| a.name.cmp(&b.name));
    super::replication::lower_replica_identity(lw, b, &mut t);
    lw.model.tables.insert(qn.clone(), t);
}

/// The body of an `index "NAME"` block of a table or materialized view; `check_cols`
/// reports the names that are not columns, `known` are the columns (plain columns among
/// `expressions` become columns).
pub(super) fn lower_index(
    lw: &mut Lowerer,
    pb: &Blk,
    name: String,
    known: &BTreeSet<String>,
    check_cols: &mut dyn FnMut(&mut Lowerer, &[Loc], &str) -> bool,
) -> Option<Index> {
    lw.check_shape(
        pb,
        &[
            "columns",
            "expressions",
            "unique",
            "where",
            "method",
            "include",
        ],
        &[],
    );
    let cols = lw.strings(pb, "columns");
    let exprs = lw.strings(pb, "expressions");
    let parts: Option<Vec<IndexPart>> = match (cols, exprs) {
        (Some(c), None) if !c.is_empty() => check_cols(lw, &c, "index")
            .then(|| c.into_iter().map(|x| IndexPart::Column(x.0)).collect()),
        (None, Some(e)) if !e.is_empty() => Some(
            e.into_iter()
                .map(|(x, _)| match plain_column(&x, known) {
                    Some(c) => IndexPart::Column(c),
                    None => IndexPart::Expression(x),
                })
                .collect(),
        ),
        (Some(_), Some(_)) => {
            lw.push(
                Diag::new(
                    "config::conflicting_attributes",
                    "an index takes `columns` or `expressions`, not both",
                )
                .at(&pb.head, "both given")
                .help(
                    "write plain columns as expressions too: expressions = [\"a\", \"lower(b)\"]",
                ),
            );
            None
        }
        _ if pb.attr("columns").is_none() && pb.attr("expressions").is_none() => {
            lw.missing(pb, "columns", "[\"column\"]");
            None
        }
        _ => None,
    };
    let unique = lw.boolean(pb, "unique").unwrap_or(false);
    let predicate = lw.string(pb, "where").map(|s| s.0);
    let method = match lw.string(pb, "method") {
        None => "btree".to_string(),
        Some((m, span)) => {
            let ok = !m.is_empty()
                && m.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
            if !ok {
                lw.push(
                    Diag::new("config::invalid_value", format!("`{m}` is not an index method"))
                        .at(&span, "invalid index method")
                        .help("btree (the default), hash, gin, gist, brin, spgist, or an extension's method such as hnsw"),
                );
            }
            m
        }
    };
    let include = lw.strings(pb, "include").unwrap_or_default();
    check_cols(lw, &include, "index include");
    parts.map(|parts| Index {
        name,
        parts,
        unique,
        method,
        predicate,
        include: include.into_iter().map(|c| c.0).collect(),
    })
}

/// The column an index expression names, when it is just a column (bare or quoted).
fn plain_column(expr: &str, columns: &BTreeSet<String>) -> Option<String> {
    let e = expr.trim();
    let name = match e.strip_prefix('"').and_then(|x| x.strip_suffix('"')) {
        Some(q) => q.replace("\"\"", "\""),
        None => e.to_string(),
    };
    columns.contains(&name).then_some(name)
}

/// How `format_type` prints a type name: schema-qualified, quoted only where needed.
pub fn format_type_name(q: &QName) -> String {
    format!(
        "{}.{}",
        crate::quote::ident_if_needed(&q.schema),
        crate::quote::ident_if_needed(&q.name)
    )
}

/// Parse `schema.table` or `schema.table(col, col)`.
pub fn parse_table_ref(s: &str) -> Option<(QName, Vec<String>)> {
    let s = s.trim();
    let (head, cols) = match s.find('(') {
        Some(i) => {
            let inner = s[i + 1..].strip_suffix(')')?;
            let cols: Vec<String> = inner.split(',').map(|c| c.trim().to_string()).collect();
            if cols.iter().any(|c| c.is_empty()) {
                return None;
            }
            (s[..i].trim(), cols)
        }
        None => (s, vec![]),
    };
    let (schema, name) = head.split_once('.')?;
    if schema.is_empty() || name.is_empty() || name.contains('.') {
        return None;
    }
    Some((QName::new(schema, name), cols))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_aliases_become_postgres_spelling() {
        assert_eq!(canonical_type("timestamptz"), "timestamp with time zone");
        assert_eq!(canonical_type("int"), "integer");
        assert_eq!(canonical_type("varchar(20)"), "character varying(20)");
        assert_eq!(canonical_type("numeric(10, 2)"), "numeric(10,2)");
        assert_eq!(canonical_type("text[]"), "text[]");
        assert_eq!(canonical_type("int8[]"), "bigint[]");
        assert_eq!(
            canonical_type("timestamptz(3)"),
            "timestamp(3) with time zone"
        );
        assert_eq!(canonical_type("uuid"), "uuid");
        assert_eq!(
            canonical_type("timestamp(3) with time zone"),
            "timestamp(3) with time zone"
        );
        assert_eq!(
            canonical_type("character varying(20)[]"),
            "character varying(20)[]"
        );
        assert_eq!(canonical_type("public.\"Mixed\""), "public.\"Mixed\"");
    }

    #[test]
    fn table_references_parse() {
        assert_eq!(
            parse_table_ref("auth.users(id)"),
            Some((QName::new("auth", "users"), vec!["id".to_string()]))
        );
        assert_eq!(
            parse_table_ref("auth.users"),
            Some((QName::new("auth", "users"), vec![]))
        );
        assert_eq!(parse_table_ref("users"), None);
        assert_eq!(parse_table_ref("auth.users(id"), None);
    }

    #[test]
    fn constraint_names_are_truncated_like_postgres() {
        assert_eq!(default_constraint_name("profiles", "pkey"), "profiles_pkey");
        let long = "a".repeat(70);
        assert_eq!(default_constraint_name(&long, "pkey").len(), 63);
    }
}
