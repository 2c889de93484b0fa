//! Reading a configuration: every `*.hcl` file of a directory, parsed with spans
//! (hcl-edit), evaluated (`var.*`, `local.*`, `env()`), lowered into the [`Model`], with
//! references resolved into a dependency graph. All problems are reported at once.

mod buckets;
mod collations;
mod constraints;
pub mod diag;
pub mod eval;
pub mod fmt;
pub mod graph;
mod lower;
mod objects;
mod partitions;
mod replication;
mod sequences;
pub mod source;
mod types;
pub mod write;

pub use diag::{Diag, Diagnostics};
pub use graph::DepGraph;
pub use lower::{canonical_type, default_constraint_name, format_type_name, parse_table_ref};
pub use objects::parse_duration_ms;
pub use source::{Sources, Span};

use crate::model::{Address, Environment, Model, QName, StateBackend};
use eval::{suggest, Evaluator, Spanned, Value};
use hcl::edit::structure::{Block, Structure};
use hcl::edit::Span as _;
use lower::{key_span, Blk, Decl, Lowerer};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Where each attribute of each object was written: `(address, attribute)` → span. The
/// attribute is empty for the block itself. Used to report database errors at the HCL
/// that caused them.
pub type SourceMap = BTreeMap<(String, String), Span>;

/// A reference from one object to another, with where it was written.
#[derive(Debug, Clone)]
pub struct Dep {
    pub from: Address,
    pub to: Address,
    pub span: Span,
}

/// Reads an environment variable.
pub type EnvLookup = Box<dyn Fn(&str) -> Option<String>>;

/// How to load: variable values and the environment lookup.
pub struct LoadOptions {
    /// `--var name=value`, in command-line order.
    pub vars: Vec<(String, String)>,
    /// `--var-file FILE`, in command-line order.
    pub var_files: Vec<PathBuf>,
    /// Reads an environment variable (the process environment unless a test injects one).
    pub env: EnvLookup,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            vars: vec![],
            var_files: vec![],
            env: Box::new(|k| std::env::var(k).ok()),
        }
    }
}

/// A loaded, valid configuration.
#[derive(Debug, Clone)]
pub struct Config {
    pub dir: PathBuf,
    pub sources: Sources,
    pub model: Model,
    pub spans: SourceMap,
    pub graph: DepGraph,
    /// `blake3:<hex>` over every file's name and contents.
    pub hash: String,
}

impl Config {
    /// The environment named `name`, or an error listing the declared ones.
    pub fn environment(&self, name: &str) -> Result<&Environment, Diag> {
        self.model.environments.get(name).ok_or_else(|| {
            let names: Vec<&str> = self.model.environments.keys().map(String::as_str).collect();
            let d = Diag::new(
                "config::unknown_environment",
                format!("there is no environment named `{name}`"),
            );
            match suggest(name, names.iter().copied()) {
                Some(s) => d.help(format!(
                    "did you mean `{s}`? declared: {}",
                    names.join(", ")
                )),
                None => d.help(format!(
                    "declared environments: {}; add environment \"{name}\" {{ ... }}",
                    names.join(", ")
                )),
            }
        })
    }
}

/// The block kinds of the language, in the order they are lowered.
const KINDS: &[&str] = &[
    "project",
    "variable",
    "locals",
    "environment",
    "schema",
    "extension",
    "enum",
    "domain",
    "composite_type",
    "collation",
    "sequence",
    "function",
    "table",
    "view",
    "policy",
    "grant",
    "default_privileges",
    "trigger",
    "secret",
    "edge_function",
    "bucket",
];

/// The `*.hcl` files of a directory, in name order.
pub fn config_files(dir: &Path) -> Result<Vec<PathBuf>, Diag> {
    let rd = std::fs::read_dir(dir).map_err(|e| {
        Diag::new(
            "config::unreadable",
            format!("cannot read the config directory {}: {e}", dir.display()),
        )
        .help("pass the directory holding your *.hcl files with -c DIR")
    })?;
    let mut files: Vec<PathBuf> = rd
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "hcl") && p.is_file())
        .collect();
    files.sort();
    Ok(files)
}

fn display_name(path: &Path) -> String {
    if path.is_relative() {
        let p = path.strip_prefix(".").unwrap_or(path);
        return p.display().to_string();
    }
    let cwd = std::env::current_dir().ok();
    cwd.and_then(|c| path.strip_prefix(&c).ok().map(|p| p.display().to_string()))
        .unwrap_or_else(|| path.display().to_string())
}

/// Parse one source; a syntax error becomes a diagnostic at its position.
fn parse(sources: &Sources, file: usize) -> Result<hcl::edit::structure::Body, Diag> {
    let text = &sources.files[file].text;
    hcl::edit::parser::parse_body(text).map_err(|e| syntax_diag(text, file, &e))
}

/// A syntax error as a diagnostic, with a hint for the common mistakes.
pub(crate) fn syntax_diag(text: &str, file: usize, e: &hcl::edit::parser::Error) -> Diag {
    let mut off = e.location().offset().min(text.len());
    while off > 0 && !text.is_char_boundary(off) {
        off -= 1;
    }
    let msg = e.message().trim().to_string();
    let scanned = scan(text, off);
    // A string left open swallows what follows, so the parser trips far below it.
    if let Some(start) = scanned.swallowing_string {
        let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        return Diag::new("config::syntax", "syntax error: this string is not closed")
            .at(&Span::new(file, start..end), "string opened here")
            .help("close it with `\"` on the same line; for text over several lines use a heredoc: <<-EOT ... EOT");
    }
    if msg.contains("redefined attribute") {
        let end = text[off..]
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
            .map_or(text.len(), |i| off + i);
        let key = &text[off..end];
        let first = text[..off]
            .rfind(&format!("{key} "))
            .or_else(|| text[..off].rfind(&format!("{key}=")));
        let d = Diag::new(
            "config::duplicate_attribute",
            format!("`{key}` is set twice in the same block"),
        )
        .at(&Span::new(file, off..end.max(off)), "set again here");
        return match first {
            Some(f) => {
                let (l, c) = source::line_col(text, f);
                d.help(format!("the first is at line {l}, column {c}; keep one"))
            }
            None => d.help("keep one"),
        };
    }
    let next = text[off..].chars().next();
    let end = next.map_or(off, |c| off + c.len_utf8());
    let at_eof = text[off..].trim().is_empty();
    if let (true, Some((open, c))) = (at_eof, scanned.open_at_eof) {
        let close = match c {
            '{' => '}',
            '[' => ']',
            _ => ')',
        };
        return Diag::new(
            "config::syntax",
            format!("syntax error: this `{c}` is never closed"),
        )
        .at(&Span::new(file, open..open + 1), "opened here")
        .help(format!(
            "the file ends before its `{close}`: add it where the block, list or call ends"
        ));
    }
    let msg = if msg.is_empty() {
        "invalid HCL".to_string()
    } else {
        msg
    };
    if msg.contains("heredoc") {
        if let Some(i) = text[..off].rfind("<<") {
            let dash = usize::from(text[i + 2..].starts_with('-'));
            let delim: String = text[i + 2 + dash..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !delim.is_empty() {
                return Diag::new(
                    "config::syntax",
                    "syntax error: this heredoc is never closed",
                )
                .at(
                    &Span::new(file, i..i + 2 + dash + delim.len()),
                    "opened here",
                )
                .help(format!(
                    "end it with a line holding only `{delim}` (indented or not)"
                ));
            }
        }
    }
    if msg == "expected `{`" && !at_eof {
        // `type "uuid"` parses as the head of a block: show the whole head.
        let line_start = text[..off].rfind('\n').map_or(0, |i| i + 1);
        let head_start =
            line_start + (text[line_start..off].len() - text[line_start..off].trim_start().len());
        let head_end = line_start + text[line_start..off].trim_end().len();
        if head_start < head_end {
            return Diag::new("config::syntax", format!("syntax error: {msg}"))
                .at(
                    &Span::new(file, head_start..head_end),
                    "read as a block, but no `{` follows",
                )
                .help("an attribute is written name = value: is an `=` missing? A block is written kind \"label\" { ... }");
        }
    }
    let help = if at_eof {
        "the file ends inside a block, list or call: is a closing `}`, `]` or `)` missing?".into()
    } else {
        match next {
            Some('\'') => "strings use double quotes: \"...\"".into(),
            Some(':') => "attributes are set with `=`: name = value".into(),
            Some(';') => "HCL needs no `;`: put each attribute on its own line".into(),
            Some('}') if msg.contains("newline or eof") => {
                "this `}` closes nothing: remove it, or check the braces above".into()
            }
            _ if msg.contains("expected `]`") => {
                "separate list items with `,` and close the list with `]`".into()
            }
            _ => "see docs/language.md for the syntax of each block".to_string(),
        }
    };
    Diag::new("config::syntax", format!("syntax error: {msg}"))
        .at(&Span::new(file, off..end), "here")
        .help(help)
}

/// What a light scan of a file that failed to parse says about its strings and brackets.
#[derive(Debug, Default, PartialEq)]
struct Scan {
    /// The start of a quoted string that ran past the end of its line and so swallowed
    /// the text after it, when that is what tripped the parser: the string closes just
    /// before the error, or never closes.
    swallowing_string: Option<usize>,
    /// The innermost `{`, `[` or `(` still open at the end of the file.
    open_at_eof: Option<(usize, char)>,
}

/// Scan `text` for strings and brackets, skipping comments and heredocs; `${ ... }`
/// interpolations may nest strings. `err` is where the parser stopped.
fn scan(text: &str, err: usize) -> Scan {
    enum Ctx {
        /// Inside a quoted string: where it starts, whether it crossed a line end.
        Str(usize, bool),
        /// Inside `${ ... }`: the bracket depth just after its `{`.
        Interp(usize),
    }
    let b = text.as_bytes();
    let mut out = Scan::default();
    let mut i = 0;
    let mut ctx: Vec<Ctx> = Vec::new();
    let mut brackets: Vec<(usize, u8)> = Vec::new();
    while i < b.len() {
        let c = b[i];
        if let Some(Ctx::Str(start, newline)) = ctx.last_mut() {
            match c {
                b'\\' => i += 1,
                b'\n' => *newline = true,
                b'"' => {
                    if *newline && i + 1 == err && out.swallowing_string.is_none() {
                        out.swallowing_string = Some(*start);
                    }
                    ctx.pop();
                }
                b'$' | b'%' if b.get(i + 1) == Some(&b'{') => {
                    brackets.push((i + 1, b'{'));
                    ctx.push(Ctx::Interp(brackets.len()));
                    i += 1;
                }
                _ => {}
            }
            i += 1;
            continue;
        }
        match c {
            b'"' => ctx.push(Ctx::Str(i, false)),
            b'{' | b'[' | b'(' => brackets.push((i, c)),
            b'}' | b']' | b')' => {
                if let Some(Ctx::Interp(depth)) = ctx.last() {
                    if *depth == brackets.len() {
                        ctx.pop(); // back inside the string
                    }
                }
                brackets.pop();
            }
            b'#' => i = text[i..].find('\n').map_or(b.len(), |n| i + n),
            b'/' if b.get(i + 1) == Some(&b'/') => {
                i = text[i..].find('\n').map_or(b.len(), |n| i + n)
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i = text[i + 2..].find("*/").map_or(b.len(), |n| i + 2 + n + 1)
            }
            b'<' if b.get(i + 1) == Some(&b'<') => {
                // A heredoc: skip to the line holding only its delimiter.
                let delim: String = text[i + 2..]
                    .trim_start_matches('-')
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !delim.is_empty() {
                    let mut pos = text[i..].find('\n').map_or(b.len(), |n| i + n);
                    loop {
                        if pos >= b.len() {
                            return out; // an unterminated heredoc: reported as such
                        }
                        let end = text[pos + 1..].find('\n').map_or(b.len(), |n| pos + 1 + n);
                        if text[pos + 1..end].trim() == delim {
                            i = end;
                            break;
                        }
                        pos = end;
                    }
                }
            }
            _ => {}
        }
        i += 1;
    }
    // A string still open at the end of the file is certainly the problem.
    if out.swallowing_string.is_none() {
        out.swallowing_string = ctx.iter().find_map(|c| match c {
            Ctx::Str(start, _) => Some(*start),
            Ctx::Interp(_) => None,
        });
    }
    out.open_at_eof = brackets.last().map(|(at, c)| (*at, *c as char));
    out
}

/// Load the configuration in `dir`.
pub fn load(dir: &Path, opts: &LoadOptions) -> Result<Config, Diagnostics> {
    let mut diags = Diagnostics::default();
    let mut sources = Sources::default();
    let files = match config_files(dir) {
        Ok(f) => f,
        Err(d) => {
            diags.push(d);
            return Err(diags);
        }
    };
    if files.is_empty() {
        diags.push(
            Diag::new(
                "config::empty",
                format!("no *.hcl files in {}", dir.display()),
            )
            .help("run `supaform init` to scaffold a project, or pass -c DIR"),
        );
        return Err(diags);
    }
    let mut hasher = blake3::Hasher::new();
    for path in &files {
        match std::fs::read(path) {
            Ok(bytes) => {
                let name = path
                    .file_name()
                    .map(|n| n.to_string_lossy().to_string())
                    .unwrap_or_default();
                hasher.update(name.as_bytes());
                hasher.update(&(bytes.len() as u64).to_le_bytes());
                hasher.update(&bytes);
                match String::from_utf8(bytes) {
                    Ok(text) => {
                        sources.add(path.clone(), display_name(path), text);
                    }
                    Err(e) => {
                        let at = e.utf8_error().valid_up_to();
                        let bytes = e.as_bytes();
                        let valid = std::str::from_utf8(&bytes[..at]).unwrap_or_default();
                        let (line, col) = source::line_col(valid, at);
                        diags.push(
                            Diag::new(
                                "config::unreadable",
                                format!(
                                    "{} is not UTF-8 text: invalid byte 0x{:02X} at line {line}, column {col}",
                                    display_name(path),
                                    bytes.get(at).copied().unwrap_or_default()
                                ),
                            )
                            .help("supaform reads configuration files as UTF-8; save the file in that encoding"),
                        )
                    }
                }
            }
            Err(e) => diags.push(
                Diag::new(
                    "config::unreadable",
                    format!("cannot read {}: {e}", display_name(path)),
                )
                .help("check the file's permissions"),
            ),
        }
    }
    let hash = format!("blake3:{}", hasher.finalize().to_hex());
    load_sources(dir, sources, hash, diags, opts)
}

/// Load a configuration from sources already in memory (used by [`load`], tests and the
/// fuzz target). `dir` is where relative paths (Edge Function sources) are resolved.
pub fn load_str(
    dir: &Path,
    files: &[(&str, &str)],
    opts: &LoadOptions,
) -> Result<Config, Diagnostics> {
    let mut sources = Sources::default();
    let mut hasher = blake3::Hasher::new();
    for (name, text) in files {
        hasher.update(name.as_bytes());
        hasher.update(&(text.len() as u64).to_le_bytes());
        hasher.update(text.as_bytes());
        sources.add(dir.join(name), name.to_string(), text.to_string());
    }
    let hash = format!("blake3:{}", hasher.finalize().to_hex());
    load_sources(dir, sources, hash, Diagnostics::default(), opts)
}

fn load_sources(
    dir: &Path,
    mut sources: Sources,
    hash: String,
    mut diags: Diagnostics,
    opts: &LoadOptions,
) -> Result<Config, Diagnostics> {
    let mut bodies = Vec::new();
    for file in 0..sources.files.len() {
        match parse(&sources, file) {
            Ok(b) => bodies.push((file, b)),
            Err(d) => diags.push(d),
        }
    }
    // A file that cannot be read or parsed hides its declarations: checking the others
    // would report references to them as unknown. Report the unreadable files alone.
    if !diags.is_empty() {
        return Err(diags.attach(&sources));
    }

    // Sort top-level blocks by kind; reject everything else.
    let mut by_kind: BTreeMap<&str, Vec<(usize, &Block)>> = BTreeMap::new();
    for (file, body) in &bodies {
        for s in body.iter() {
            match s {
                Structure::Attribute(a) => {
                    let key = a.key.value().to_string();
                    diags.push(
                        Diag::new(
                            "config::unexpected_attribute",
                            format!("`{key}` cannot be set at the top level of a file"),
                        )
                        .at(&key_span(a, *file), "outside any block")
                        .help("attributes belong inside a block; shared values go in `locals { ... }`"),
                    );
                }
                Structure::Block(b) => {
                    let kind = b.ident.value().as_str();
                    match KINDS.iter().find(|k| **k == kind) {
                        Some(k) => by_kind.entry(k).or_default().push((*file, b)),
                        None => {
                            let span = Span::new(*file, b.ident.span().unwrap_or(0..0));
                            let d = Diag::new(
                                "config::unknown_block",
                                format!("unknown block type `{kind}`"),
                            )
                            .at(&span, "unknown block");
                            diags.push(match suggest(kind, KINDS.iter().copied()) {
                                Some(s) => d.help(format!("did you mean `{s}`?")),
                                None => {
                                    d.help(format!("supaform's blocks are: {}", KINDS.join(", ")))
                                }
                            });
                        }
                    }
                }
            }
        }
    }
    let blocks = |kind: &str| by_kind.get(kind).cloned().unwrap_or_default();

    // Variables: defaults, then var files, then --var.
    let env_fn: &dyn Fn(&str) -> Option<String> = &*opts.env;
    let bare = Evaluator::new(BTreeMap::new(), BTreeMap::new(), env_fn);
    let mut var_decls: BTreeMap<String, (Span, Option<Spanned>)> = BTreeMap::new();
    for (file, b) in blocks("variable") {
        let blk = Blk::new(b, file);
        let mut tmp = Lowerer::new(&sources, &bare, dir);
        if !tmp.check_labels(&blk, 1, "variable \"NAME\" { default = \"...\" }") {
            diags.items.extend(tmp.diags);
            continue;
        }
        tmp.check_shape(&blk, &["default", "description", "sensitive", "type"], &[]);
        let default = tmp.val(&blk, "default");
        let _ = tmp.string(&blk, "description");
        let _ = tmp.boolean(&blk, "sensitive");
        if let Some(v) = &default {
            if matches!(v.value, Value::Ref(_) | Value::Sql(_)) {
                tmp.push(
                    Diag::new(
                        "config::wrong_type",
                        "a variable's default must be a plain value",
                    )
                    .at(&v.span, "not a plain value"),
                );
            }
        }
        diags.items.extend(tmp.diags);
        let name = blk.label().to_string();
        if let Some((first, _)) = var_decls.get(&name) {
            diags.push(
                Diag::new(
                    "config::duplicate_label",
                    format!("variable \"{name}\" is declared twice"),
                )
                .at(blk.label_span(), "declared again here")
                .help(format!("the first is at {}", sources.location(first))),
            );
            continue;
        }
        var_decls.insert(name, (blk.label_span().clone(), default));
    }
    let mut given: BTreeMap<String, Spanned> = BTreeMap::new();
    for vf in &opts.var_files {
        let text = match std::fs::read_to_string(vf) {
            Ok(t) => t,
            Err(e) => {
                diags.push(
                    Diag::new(
                        "config::unreadable",
                        format!("cannot read the variable file {}: {e}", display_name(vf)),
                    )
                    .help("check the path given to --var-file (relative to the working directory)"),
                );
                continue;
            }
        };
        let file = sources.add(vf.clone(), display_name(vf), text);
        let body = match parse(&sources, file) {
            Ok(b) => b,
            Err(d) => {
                diags.push(d);
                continue;
            }
        };
        for s in body.iter() {
            match s {
                Structure::Attribute(a) => {
                    let key = a.key.value().to_string();
                    if !var_decls.contains_key(&key) {
                        let d = Diag::new(
                            "config::unknown_variable",
                            format!("no variable named `{key}` is declared"),
                        )
                        .at(&key_span(a, file), "unknown variable");
                        diags.push(match suggest(&key, var_decls.keys().map(String::as_str)) {
                            Some(s) => d.help(format!("did you mean `{s}`?")),
                            None => d.help(format!("declare it: variable \"{key}\" {{}}")),
                        });
                        continue;
                    }
                    match bare.eval(&a.value, file) {
                        Ok(v) => {
                            given.insert(key, v);
                        }
                        Err(d) => diags.push(d),
                    }
                }
                Structure::Block(b) => diags.push(
                    Diag::new(
                        "config::unexpected_block",
                        "a variable file holds only `name = value` lines",
                    )
                    .at(&Span::new(file, b.ident.span().unwrap_or(0..0)), "a block")
                    .help("set each variable on a line of its own: name = value"),
                ),
            }
        }
    }
    for (k, v) in &opts.vars {
        match var_decls.get(k) {
            Some((span, _)) => {
                given.insert(
                    k.clone(),
                    Spanned {
                        value: Value::String(v.clone()),
                        span: span.clone(),
                    },
                );
            }
            None => {
                let names: Vec<&str> = var_decls.keys().map(String::as_str).collect();
                let d = Diag::new(
                    "config::unknown_variable",
                    format!("--var {k}=...: no variable named `{k}` is declared"),
                );
                diags.push(match suggest(k, names.iter().copied()) {
                    Some(s) => d.help(format!("did you mean `{s}`?")),
                    None => d.help(format!("declare it: variable \"{k}\" {{}}")),
                });
            }
        }
    }
    let mut vars = BTreeMap::new();
    for (name, (span, default)) in &var_decls {
        match given.remove(name).or_else(|| default.clone()) {
            Some(v) => {
                vars.insert(name.clone(), v);
            }
            None => diags.push(
                Diag::new(
                    "config::missing_variable",
                    format!("variable \"{name}\" has no value"),
                )
                .at(span, "no default and no value given")
                .help(format!(
                    "pass --var {name}=..., put it in a --var-file, or give it a default"
                )),
            ),
        }
    }

    // Locals.
    let mut local_exprs = BTreeMap::new();
    let mut local_spans: BTreeMap<String, Span> = BTreeMap::new();
    for (file, b) in blocks("locals") {
        let blk = Blk::new(b, file);
        let mut tmp = Lowerer::new(&sources, &bare, dir);
        tmp.check_labels(&blk, 0, "locals { name = value }");
        for nb in &blk.blocks {
            tmp.push(
                Diag::new(
                    "config::unexpected_block",
                    "`locals` holds only `name = value` lines",
                )
                .at(
                    &Span::new(file, nb.ident.span().unwrap_or(0..0)),
                    "block inside locals",
                ),
            );
        }
        diags.items.extend(tmp.diags);
        for a in &blk.attrs {
            let key = a.key.value().to_string();
            let ks = key_span(a, file);
            if let Some(first) = local_spans.get(&key) {
                diags.push(
                    Diag::new(
                        "config::duplicate_label",
                        format!("local.{key} is set twice"),
                    )
                    .at(&ks, "set again here")
                    .help(format!("the first is at {}", sources.location(first))),
                );
                continue;
            }
            local_spans.insert(key.clone(), ks);
            local_exprs.insert(key, (&a.value, file));
        }
    }
    let ev = Evaluator::new(vars, local_exprs, env_fn);
    let mut local_diags = Vec::new();
    ev.eval_all_locals(&mut local_diags);
    diags.items.extend(local_diags);

    let mut lw = Lowerer::new(&sources, &ev, dir);

    // The project block first: managed schemas and roles shape every other check.
    let projects = blocks("project");
    for (i, (file, b)) in projects.iter().enumerate() {
        let blk = Blk::new(b, *file);
        if i > 0 {
            lw.push(
                Diag::new(
                    "config::duplicate_label",
                    "only one `project` block is allowed",
                )
                .at(&blk.head, "second project block")
                .help(format!(
                    "the first is at {}; merge the two",
                    lw.sources
                        .location(&Blk::new(projects[0].1, projects[0].0).head)
                )),
            );
            continue;
        }
        if lw.check_labels(&blk, 0, "project { name = \"...\" }") {
            objects::lower_project(&mut lw, &blk);
        }
    }

    // Declarations: every labelled block, so references resolve in any order.
    let skip = declare(&mut lw, &blocks);
    lw.ev.take_bucket_refs();

    for kind in &KINDS[3..] {
        for (file, b) in blocks(kind) {
            let mut blk = Blk::new(b, file);
            let key = (kind.to_string(), blk.label().to_string());
            if blk.labels.len() != 1 || skip.contains(blk.label_span()) {
                continue; // reported by declare()
            }
            let addr = lw.decls.get(&key).map(|d| d.address.clone());
            if let Some(a) = &addr {
                lw.spans
                    .insert((a.to_string(), String::new()), blk.label_span().clone());
            }
            match *kind {
                "environment" => objects::lower_environment(&mut lw, &mut blk),
                "schema" => objects::lower_schema(&mut lw, &mut blk),
                "extension" => objects::lower_extension(&mut lw, &mut blk),
                "enum" => addr
                    .map(|a| objects::lower_enum(&mut lw, &mut blk, &a))
                    .unwrap_or(()),
                "domain" => addr
                    .map(|a| types::lower_domain(&mut lw, &mut blk, &a))
                    .unwrap_or(()),
                "composite_type" => addr
                    .map(|a| types::lower_composite_type(&mut lw, &mut blk, &a))
                    .unwrap_or(()),
                "collation" => addr
                    .map(|a| collations::lower_collation(&mut lw, &mut blk, &a))
                    .unwrap_or(()),
                "sequence" => addr
                    .map(|a| sequences::lower_sequence(&mut lw, &mut blk, &a))
                    .unwrap_or(()),
                "function" => addr
                    .map(|a| objects::lower_function(&mut lw, &mut blk, &a))
                    .unwrap_or(()),
                "table" => addr
                    .map(|a| lower::lower_table(&mut lw, &mut blk, &a))
                    .unwrap_or(()),
                "view" => addr
                    .map(|a| objects::lower_view(&mut lw, &mut blk, &a))
                    .unwrap_or(()),
                "policy" => objects::lower_policy(&mut lw, &mut blk),
                "grant" => objects::lower_grant(&mut lw, &mut blk),
                "default_privileges" => objects::lower_default_privileges(&mut lw, &mut blk),
                "trigger" => objects::lower_trigger(&mut lw, &mut blk),
                "secret" => objects::lower_secret(&mut lw, &mut blk),
                "edge_function" => objects::lower_edge_function(&mut lw, &mut blk),
                "bucket" => buckets::lower_bucket(&mut lw, &mut blk),
                _ => {}
            }
            // `bucket.LABEL.id` in the block's strings: an edge to that bucket.
            for (label, span) in lw.ev.take_bucket_refs() {
                let r = eval::Ref {
                    kind: "bucket".into(),
                    label,
                };
                let from = lw.decls.get(&key).map(|d| d.address.clone());
                if let (Some(to), Some(from)) = (lw.resolve(&r, &span, &["bucket"]), from) {
                    lw.dep(&from, to, &span);
                }
            }
        }
    }
    check_foreign_keys(&mut lw);

    let Lowerer {
        diags: ld,
        mut model,
        spans,
        deps,
        ..
    } = lw;
    diags.items.extend(ld);
    model.normalize();
    model
        .environments
        .entry("local".to_string())
        .or_insert_with(|| Environment {
            name: "local".into(),
            database_url: None,
            project_ref: None,
            protected: false,
            state: StateBackend::File,
            lock_timeout: None,
            statement_timeout: None,
            functions_dir: None,
            missing_env: vec![],
        });
    let graph = DepGraph::build(&model, &deps);
    diags.items.extend(graph.cycles());

    if !diags.is_empty() {
        return Err(diags.attach(&sources));
    }
    Ok(Config {
        dir: dir.to_path_buf(),
        sources,
        model,
        spans,
        graph,
        hash,
    })
}

/// The input argument types of a `function` block, as its key lists them: the `type` of
/// each `argument` block whose `mode` is not `out`, canonical.
fn argument_types(lw: &mut Lowerer, blk: &Blk, file: usize) -> String {
    let mut out = Vec::new();
    for nb in &blk.blocks {
        if nb.ident.value().as_str() != "argument" {
            continue;
        }
        let ab = Blk::new(nb, file);
        let text = |lw: &mut Lowerer, name: &str| -> Option<String> {
            match lw.ev.eval(&ab.attr(name)?.value, file) {
                Ok(Spanned {
                    value: Value::String(s),
                    ..
                }) => Some(s),
                _ => None,
            }
        };
        if text(lw, "mode").is_some_and(|m| m.eq_ignore_ascii_case("out")) {
            continue;
        }
        if let Some(t) = text(lw, "type") {
            out.push(lower::canonical_type(&t));
        }
    }
    out.join(", ")
}

/// Record every labelled block's address, reporting label-count problems and duplicates.
/// Returns the label spans of blocks that must not be lowered (duplicates).
fn declare<'a>(
    lw: &mut Lowerer,
    blocks: &dyn Fn(&str) -> Vec<(usize, &'a Block)>,
) -> std::collections::HashSet<Span> {
    let mut skip = std::collections::HashSet::new();
    let example = |kind: &str| format!("{kind} \"NAME\" {{ ... }}");
    let mut seen: BTreeMap<(String, String), Span> = BTreeMap::new();
    let mut function_sigs: BTreeMap<(String, String), String> = BTreeMap::new();
    // Tables first: policies and triggers take their address from their table.
    let order = [
        "environment",
        "schema",
        "extension",
        "enum",
        "domain",
        "composite_type",
        "collation",
        "sequence",
        "function",
        "table",
        "view",
        "secret",
        "edge_function",
        "bucket",
        "grant",
        "default_privileges",
        "policy",
        "trigger",
    ];
    for kind in order {
        for (file, b) in blocks(kind) {
            let blk = Blk::new(b, file);
            if !lw.check_labels(&blk, 1, &example(kind)) {
                continue;
            }
            let label = blk.label().to_string();
            if label.is_empty() {
                lw.push(
                    Diag::new(
                        "config::wrong_labels",
                        format!("a `{kind}` label must not be empty"),
                    )
                    .at(blk.label_span(), "empty label"),
                );
                skip.insert(blk.label_span().clone());
                continue;
            }
            let key = (kind.to_string(), label.clone());
            if let Some(first) = seen.get(&key) {
                let loc = lw.sources.location(first);
                lw.push(
                    Diag::new(
                        "config::duplicate_label",
                        format!("{kind} \"{label}\" is declared twice"),
                    )
                    .at(blk.label_span(), "declared again here")
                    .help(format!(
                        "the first is at {loc}; labels are unique per block kind across files"
                    )),
                );
                skip.insert(blk.label_span().clone());
                continue;
            }
            seen.insert(key.clone(), blk.label_span().clone());
            let literal = |lw: &mut Lowerer, attr: &str| -> Option<String> {
                let a = blk.attr(attr)?;
                match lw.ev.eval(&a.value, file) {
                    Ok(Spanned {
                        value: Value::String(s),
                        ..
                    }) if !s.is_empty() => Some(s),
                    _ => None, // reported when the block is lowered
                }
            };
            let name = literal(lw, "name").unwrap_or_else(|| label.clone());
            let qname = |lw: &mut Lowerer| -> QName {
                let schema = literal(lw, "schema").unwrap_or_else(|| "public".into());
                QName::new(schema, name.clone())
            };
            let address = match kind {
                "schema" => Some(Address::Schema(label.clone())),
                "extension" => Some(Address::Extension(label.clone())),
                "enum" => Some(Address::Enum(qname(lw))),
                "domain" => Some(Address::Domain(qname(lw))),
                "composite_type" => Some(Address::CompositeType(qname(lw))),
                "collation" => Some(Address::Collation(qname(lw))),
                "sequence" => Some(Address::Sequence(qname(lw))),
                "function" => Some(Address::Function(qname(lw))),
                "table" => Some(Address::Table(qname(lw))),
                "view" => Some(Address::View(qname(lw))),
                "secret" => Some(Address::Secret(label.clone())),
                "edge_function" => Some(Address::EdgeFunction(label.clone())),
                "bucket" => Some(Address::Bucket(label.clone())),
                "policy" | "trigger" => {
                    let table = blk
                        .attr("table")
                        .and_then(|a| match lw.ev.eval(&a.value, file) {
                            Ok(Spanned {
                                value: Value::Ref(r),
                                ..
                            }) if r.kind == "table" => lw
                                .decls
                                .get(&("table".to_string(), r.label.clone()))
                                .and_then(|d| match &d.address {
                                    Address::Table(q) => Some(q.clone()),
                                    _ => None,
                                }),
                            Ok(Spanned {
                                value: Value::String(s),
                                ..
                            }) => s.split_once('.').map(|(a, b)| QName::new(a, b)),
                            _ => None,
                        });
                    table.map(|t| {
                        if kind == "policy" {
                            Address::Policy(t, name.clone())
                        } else {
                            Address::Trigger(t, name.clone())
                        }
                    })
                }
                _ => None,
            };
            // Functions sharing a name with different argument types are overloads: each
            // is keyed by its name and types (`Function::key`).
            let address = match address {
                Some(Address::Function(q)) if kind == "function" => {
                    let sig = argument_types(lw, &blk, file);
                    let base = |a: &Address| match a {
                        Address::Function(x) => Some(QName::new(
                            x.schema.clone(),
                            x.name.split_once('(').map_or(x.name.as_str(), |p| p.0),
                        )),
                        _ => None,
                    };
                    let siblings: Vec<(String, String)> = lw
                        .decls
                        .iter()
                        .filter(|((k, _), d)| {
                            k == "function" && base(&d.address) == Some(q.clone())
                        })
                        .map(|(k, _)| k.clone())
                        .collect();
                    let mut mine = Address::Function(q.clone());
                    for k in siblings {
                        let other_sig = function_sigs.get(&k).cloned().unwrap_or_default();
                        if other_sig != sig {
                            if let Some(d) = lw.decls.get_mut(&k) {
                                d.address = Address::Function(QName::new(
                                    q.schema.clone(),
                                    format!("{}({other_sig})", q.name),
                                ));
                            }
                            mine = Address::Function(QName::new(
                                q.schema.clone(),
                                format!("{}({sig})", q.name),
                            ));
                        }
                    }
                    function_sigs.insert(key.clone(), sig);
                    Some(mine)
                }
                a => a,
            };
            if let Some(address) = address {
                // Two labels naming the same database object are as bad as duplicate labels.
                if let Some(((_, other), d)) = lw
                    .decls
                    .iter()
                    .find(|((k, _), d)| *k == kind && d.address == address)
                {
                    let loc = lw.sources.location(&d.span);
                    let other = other.clone();
                    lw.push(
                        Diag::new(
                            "config::duplicate_object",
                            format!(
                                "{kind} \"{label}\" and {kind} \"{other}\" both declare {address}"
                            ),
                        )
                        .at(blk.label_span(), "same object as another block")
                        .help(format!(
                            "the other is at {loc}; give one of them a different name"
                        )),
                    );
                    skip.insert(blk.label_span().clone());
                    continue;
                }
                lw.decls.insert(
                    key,
                    Decl {
                        span: blk.label_span().clone(),
                        address,
                    },
                );
            }
        }
    }
    skip
}

/// Foreign keys: fill `ref_columns` from the referenced table's primary key and check
/// the column lists.
fn check_foreign_keys(lw: &mut Lowerer) {
    let pks: BTreeMap<QName, (Option<Vec<String>>, Vec<String>)> = lw
        .model
        .tables
        .iter()
        .map(|(q, t)| {
            (
                q.clone(),
                (
                    t.primary_key.as_ref().map(|p| p.columns.clone()),
                    t.columns.iter().map(|c| c.name.clone()).collect(),
                ),
            )
        })
        .collect();
    let mut problems = Vec::new();
    for (q, t) in lw.model.tables.iter_mut() {
        for fk in &mut t.foreign_keys {
            let addr = Address::TablePart(q.clone(), "foreign_key", fk.name.clone()).to_string();
            let span = lw.spans.get(&(addr, "references".to_string())).cloned();
            let Some((pk, cols)) = pks.get(&fk.ref_table) else {
                if fk.ref_columns.is_empty() {
                    problems.push((span, format!("foreign key `{}` references {}, whose columns supaform does not know", fk.name, fk.ref_table), "name the columns: references = \"schema.table(id)\" or ref_columns = [\"id\"]".to_string()));
                }
                continue;
            };
            if fk.ref_columns.is_empty() {
                match pk {
                    Some(pk) => fk.ref_columns = pk.clone(),
                    None => {
                        problems.push((
                            span,
                            format!(
                                "foreign key `{}` references table {}, which has no primary key",
                                fk.name, fk.ref_table
                            ),
                            "set ref_columns, or give the referenced table a primary_key".into(),
                        ));
                        continue;
                    }
                }
            }
            for c in &fk.ref_columns {
                if !cols.contains(c) {
                    problems.push((span.clone(), format!("foreign key `{}` references column `{c}`, which table {} does not have", fk.name, fk.ref_table), format!("{}'s columns are: {}", fk.ref_table, cols.join(", "))));
                }
            }
            if fk.ref_columns.len() != fk.columns.len() {
                problems.push((
                    span.clone(),
                    format!(
                        "foreign key `{}` has {} columns but references {}",
                        fk.name,
                        fk.columns.len(),
                        fk.ref_columns.len()
                    ),
                    "a foreign key needs as many columns as it references".into(),
                ));
            }
        }
    }
    for (span, msg, help) in problems {
        let mut d = Diag::new("config::invalid_foreign_key", msg).help(help);
        if let Some(s) = span {
            d = d.at(&s, "referenced here");
        }
        lw.push(d);
    }
}

impl<'s, 'e> Lowerer<'s, 'e> {
    fn new(sources: &'s Sources, ev: &'s Evaluator<'e>, dir: &Path) -> Self {
        Lowerer {
            sources,
            ev,
            diags: vec![],
            decls: BTreeMap::new(),
            spans: BTreeMap::new(),
            deps: vec![],
            // A configuration manages exactly the grants its blocks declare: none without
            // a `grant` block (`None` would mean every grant counts, as on a live model).
            model: Model {
                grant_scope: Some(Default::default()),
                ..Default::default()
            },
            config_dir: dir.to_path_buf(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::scan;

    #[test]
    fn a_string_that_swallows_a_line_end_is_found() {
        let t = "a = \"x\nb = \"y\"\n";
        // hcl-edit reads `"x\nb = "` as one string and stops at `y`.
        assert_eq!(scan(t, t.find('y').unwrap()).swallowing_string, Some(4));
        // A string open at the end of the file, wherever the parser stopped.
        assert_eq!(scan("a = \"x\n", 0).swallowing_string, Some(4));
        // Interpolations may hold strings; comments and heredocs may hold quotes.
        let ok = "a = \"${x(\"y\")}\" # \"\nb = <<EOT\n\"\nEOT\nc = {\n";
        let s = scan(ok, ok.len());
        assert_eq!(s.swallowing_string, None);
        assert_eq!(s.open_at_eof, Some((ok.rfind('{').unwrap(), '{')));
    }
}
