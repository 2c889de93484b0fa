//! The loader on bad input.
//!
//! 1. A corpus of malformed configurations under `tests/malformed/`: every case is a
//!    directory holding one or more `*.hcl` files (and optionally an `options` file with
//!    lines `var NAME=VALUE`, `var-file FILE` or `env NAME=VALUE`). Each case must fail to
//!    load, and its diagnostics (code, file:line:col, the text the span covers, message,
//!    label, help) are pinned by an insta snapshot `snapshots/malformed__<case>.snap`.
//!    A few cases also pin the full graphical rendering users see.
//!    To add a case: create the directory, run
//!    `INSTA_UPDATE=always cargo test --test malformed`, review the new snapshot.
//! 2. A deterministic no-panic test: mutations of every corpus text and of a rich valid
//!    configuration must load to `Ok` or `Err`, never panic, and every span must lie inside
//!    its file, on character boundaries.

use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, SourceSpan};
use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use supaform::config::{load, load_str, Diag, Diagnostics, LoadOptions};

const CORPUS: &str = "tests/malformed";
const VALID: &str = "tests/fixtures/valid";

/// Cases whose full graphical rendering (what `supaform validate` prints) is pinned too.
const RENDERED: &[&str] = &[
    "syntax_missing_equals",
    "unknown_attribute",
    "duplicate_label_across_files",
    "unknown_reference_table",
    "invalid_policy_command",
    "cycle_three_views",
    "unknown_column_primary_key",
    "many_errors_in_one_run",
];

fn case_dirs() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(CORPUS)
        .expect("the corpus directory exists")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    v.sort();
    v
}

/// Options of a case: a fixed environment (never the process's), plus `options` lines.
fn case_options(dir: &Path) -> LoadOptions {
    let mut env: BTreeMap<String, String> = BTreeMap::new();
    let mut vars = vec![];
    let mut var_files = vec![];
    if let Ok(text) = std::fs::read_to_string(dir.join("options")) {
        for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
            let (kind, rest) = line.split_once(' ').expect("option lines are `KIND VALUE`");
            match kind {
                "var" => {
                    let (k, v) = rest.split_once('=').expect("var NAME=VALUE");
                    vars.push((k.to_string(), v.to_string()));
                }
                "var-file" => var_files.push(dir.join(rest)),
                "env" => {
                    let (k, v) = rest.split_once('=').expect("env NAME=VALUE");
                    env.insert(k.to_string(), v.to_string());
                }
                other => panic!("{}: unknown option `{other}`", dir.display()),
            }
        }
    }
    LoadOptions {
        vars,
        var_files,
        env: Box::new(move |k| env.get(k).cloned()),
    }
}

/// The text a diagnostic's span covers, as it will be shown.
fn span_text(d: &Diag) -> Option<String> {
    let span = d.span.as_ref()?;
    let src = d.source_code()?;
    let ss = SourceSpan::from(span.range.clone());
    let contents = src.read_span(&ss, 0, 0).ok()?;
    Some(String::from_utf8_lossy(contents.data()).into_owned())
}

/// One diagnostic, every field that reaches the user.
fn describe(d: &Diag) -> String {
    let mut s = format!("error[{}]", d.code);
    match d.location() {
        Some(l) => s.push_str(&format!(" at {l}")),
        None => s.push_str(" (no location)"),
    }
    s.push('\n');
    if let Some(t) = span_text(d) {
        let mut t = t.replace('\n', "⏎");
        if t.chars().count() > 80 {
            t = t.chars().take(77).collect::<String>() + "...";
        }
        s.push_str(&format!("  span:    `{t}`\n"));
    }
    s.push_str(&format!("  message: {}\n", d.message));
    if !d.label.is_empty() {
        s.push_str(&format!("  label:   {}\n", d.label));
    }
    if let Some(h) = &d.help {
        s.push_str(&format!("  help:    {h}\n"));
    }
    s
}

fn render(diags: &Diagnostics) -> String {
    let handler = GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor())
        .with_width(100)
        .with_links(false);
    let mut out = String::new();
    handler
        .render_report(&mut out, diags as &dyn Diagnostic)
        .expect("rendering into a String cannot fail");
    out
}

/// Paths in messages are relative to the working directory; make them relative to the
/// case directory so snapshots read like `validate -c CASE` run inside it.
fn relative(text: &str, dir: &Path) -> String {
    let prefix = format!("{}/", dir.display());
    text.replace(&prefix, "")
        .replace(&dir.display().to_string(), ".")
}

fn snapshot_of(dir: &Path) -> String {
    let name = dir.file_name().unwrap().to_string_lossy().to_string();
    let opts = case_options(dir);
    let result = catch_unwind(AssertUnwindSafe(|| load(dir, &opts)));
    let diags = match result {
        Err(_) => panic!("{name}: the loader panicked"),
        Ok(Ok(_)) => panic!("{name}: a malformed configuration loaded without error"),
        Ok(Err(d)) => d,
    };
    assert!(!diags.is_empty(), "{name}: an Err without diagnostics");
    let mut out = format!("{} diagnostic(s)\n\n", diags.len());
    for d in &diags.items {
        out.push_str(&describe(d));
        out.push('\n');
    }
    if RENDERED.contains(&name.as_str()) {
        out.push_str("---- rendered ----\n");
        out.push_str(&render(&diags));
    }
    relative(&out, dir)
}

#[test]
fn every_malformed_case_fails_with_its_pinned_diagnostics() {
    let dirs = case_dirs();
    assert!(dirs.len() >= 45, "the corpus has {} cases", dirs.len());
    let mut failed = vec![];
    for dir in &dirs {
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let r = catch_unwind(AssertUnwindSafe(|| {
            let snap = snapshot_of(dir);
            let mut settings = insta::Settings::clone_current();
            settings.set_prepend_module_to_snapshot(false);
            settings.set_input_file(dir);
            settings.set_omit_expression(true);
            settings.bind(|| insta::assert_snapshot!(format!("malformed__{name}"), snap));
        }));
        if r.is_err() {
            failed.push(name);
        }
    }
    assert!(failed.is_empty(), "failing cases: {failed:?}");
}

// ---- no panics on any input ----------------------------------------------------------

/// xorshift64*: a tiny deterministic PRNG, so every run mutates the same way.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

const NASTY: &[&str] = &[
    "\u{0}",
    "\r",
    "\t",
    "é",
    "\u{301}",
    "日本",
    "🦀",
    "\u{202e}",
    "\u{feff}",
    "\u{2028}",
    "${",
    "%{",
    "<<-EOT\n",
    "<<EOT",
    "\"",
    "{",
    "}",
    "[",
    "]",
    "(",
    ")",
    "=",
    ".",
    ",",
    "#",
    "//",
    "/*",
    "\\",
    "\\u{",
    "var.",
    "local.",
    "table.",
    "env(\"X\")",
    "sql(",
    "null",
    "-",
    "!",
    "9999999999999999999999999",
    "1e999",
    "[[[[[[[[[[[[[[[[",
    "((((((((((((((((",
    "\n}\n",
    "\n",
];

/// Many mutated variants of `text`.
fn mutations(text: &str, rng: &mut Rng, count: usize) -> Vec<String> {
    let mut out = Vec::new();
    // Truncation at every Nth byte (about 24 cuts per text).
    let step = (text.len() / 24).max(1);
    let mut i = 0;
    while i < text.len() {
        out.push(text[..floor_boundary(text, i)].to_string());
        i += step;
    }
    let lines: Vec<&str> = text.lines().collect();
    for _ in 0..count {
        let m = match rng.below(7) {
            // Flip a byte (invalid UTF-8 is replaced, as a file read would be rejected).
            0 => {
                let mut b = text.as_bytes().to_vec();
                if !b.is_empty() {
                    let at = rng.below(b.len());
                    b[at] ^= 1 << rng.below(8);
                }
                String::from_utf8_lossy(&b).into_owned()
            }
            // Delete a line.
            1 if !lines.is_empty() => {
                let k = rng.below(lines.len());
                let mut l = lines.clone();
                l.remove(k);
                l.join("\n")
            }
            // Duplicate a run of lines (often a whole block).
            2 if !lines.is_empty() => {
                let a = rng.below(lines.len());
                let b = (a + 1 + rng.below(8)).min(lines.len());
                let mut l = lines.clone();
                let run: Vec<&str> = lines[a..b].to_vec();
                let at = rng.below(l.len() + 1);
                for (k, x) in run.into_iter().enumerate() {
                    l.insert(at + k, x);
                }
                l.join("\n")
            }
            // Swap quotes and braces.
            3 => {
                let pairs = [('"', '{'), ('{', '"'), ('}', ']'), ('[', '('), ('=', '"')];
                let (from, to) = pairs[rng.below(pairs.len())];
                let hits: Vec<usize> = text.match_indices(from).map(|(i, _)| i).collect();
                let mut s = text.to_string();
                if !hits.is_empty() {
                    let at = hits[rng.below(hits.len())];
                    s.replace_range(at..at + from.len_utf8(), &to.to_string());
                }
                s
            }
            // Insert something nasty.
            4 | 5 => {
                let mut s = text.to_string();
                let at = floor_boundary(&s, rng.below(s.len() + 1));
                s.insert_str(at, NASTY[rng.below(NASTY.len())]);
                s
            }
            // Delete a random range.
            _ => {
                let mut s = text.to_string();
                let a = floor_boundary(&s, rng.below(s.len() + 1));
                let b = floor_boundary(&s, a + rng.below(40));
                s.replace_range(a..b, "");
                s
            }
        };
        out.push(m);
    }
    out
}

/// Load the files, never panicking; every span must point inside its file.
fn check_no_panic(files: &[(String, String)], dir: &Path) -> Result<(), String> {
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    let opts = LoadOptions {
        env: Box::new(|k| (k == "SET").then(|| "value".to_string())),
        ..Default::default()
    };
    let r = catch_unwind(AssertUnwindSafe(|| load_str(dir, &refs, &opts)));
    let diags = match r {
        Err(_) => return Err("the loader panicked".into()),
        Ok(Ok(_)) => return Ok(()),
        Ok(Err(d)) => d,
    };
    if diags.is_empty() {
        return Err("an Err without diagnostics".into());
    }
    for d in &diags.items {
        let Some(span) = &d.span else { continue };
        let Some((_, text)) = files.get(span.file) else {
            return Err(format!(
                "span in unknown file {}: {}",
                span.file,
                d.summary()
            ));
        };
        let ok = span.range.start <= span.range.end
            && span.range.end <= text.len()
            && text.is_char_boundary(span.range.start)
            && text.is_char_boundary(span.range.end);
        if !ok {
            return Err(format!(
                "span {:?} outside file of {} bytes or off a char boundary: {}",
                span.range,
                text.len(),
                d.summary()
            ));
        }
        if d.location().is_none() {
            return Err(format!("a span without a location: {}", d.summary()));
        }
    }
    // The rendering users see must not panic either (checked for one input in four, to
    // keep the test fast; the fuzz target renders every input).
    static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    if n % 4 == 0 && catch_unwind(AssertUnwindSafe(|| render(&diags))).is_err() {
        return Err("rendering the diagnostics panicked".into());
    }
    Ok(())
}

fn hcl_files(dir: &Path) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "hcl" || x == "vars"))
        .filter_map(|p| {
            let bytes = std::fs::read(&p).ok()?;
            let name = p.file_name()?.to_string_lossy().to_string();
            Some((name, String::from_utf8_lossy(&bytes).into_owned()))
        })
        .collect();
    v.sort();
    v
}

#[test]
fn the_rich_valid_config_loads() {
    let files = hcl_files(Path::new(VALID));
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    let opts = LoadOptions {
        env: Box::new(|k| (k == "SET").then(|| "value".to_string())),
        ..Default::default()
    };
    if let Err(e) = load_str(Path::new(VALID), &refs, &opts) {
        panic!("{}", e.summary());
    }
}

#[test]
fn no_input_makes_the_loader_panic() {
    let started = std::time::Instant::now();
    let mut rng = Rng(0x5eed_cafe_f00d_d00d);
    let mut seeds: Vec<(PathBuf, Vec<(String, String)>)> =
        vec![(PathBuf::from(VALID), hcl_files(Path::new(VALID)))];
    for dir in case_dirs() {
        let files = hcl_files(&dir);
        if !files.is_empty() {
            seeds.push((dir, files));
        }
    }
    let mut failures = vec![];
    let mut runs = 0usize;
    for (dir, files) in &seeds {
        // The valid config is the richest: mutate it harder.
        let count = if dir.ends_with("valid") { 600 } else { 40 };
        for (fi, (name, text)) in files.iter().enumerate() {
            for m in mutations(text, &mut rng, count) {
                let mut set = files.clone();
                set[fi] = (name.clone(), m.clone());
                runs += 1;
                if let Err(e) = check_no_panic(&set, dir) {
                    failures.push(format!("{}/{name}: {e}\n--- input ---\n{m}", dir.display()));
                }
            }
        }
        // All files of the seed concatenated, then split at random points into pieces.
        let all: String = files
            .iter()
            .map(|f| f.1.as_str())
            .collect::<Vec<_>>()
            .join("\n");
        for _ in 0..4 {
            let mut pieces = vec![];
            let mut rest = all.as_str();
            while !rest.is_empty() && pieces.len() < 4 {
                let cut = floor_boundary(rest, rng.below(rest.len() + 1).max(1));
                let cut = if cut == 0 { rest.len() } else { cut };
                pieces.push((format!("part{}.hcl", pieces.len()), rest[..cut].to_string()));
                rest = &rest[cut..];
            }
            runs += 1;
            if let Err(e) = check_no_panic(&pieces, dir) {
                failures.push(format!("{} (split): {e}", dir.display()));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {runs} inputs failed; first:\n{}",
        failures.len(),
        failures[0]
    );
    eprintln!("{runs} mutated inputs in {:?}", started.elapsed());
}

#[test]
fn deeply_nested_input_does_not_overflow_the_stack() {
    // Runs on a thread with a small stack, like a worker thread of the CLI would have.
    let cases = [
        ("[", "]"),
        ("{a = ", "}"),
        ("(", ")"),
        ("!", ""),
        ("-", ""),
        ("\"${", "}\""),
        ("f(", ")"),
    ];
    let n = 5_000;
    let mut texts: Vec<(String, String)> = cases
        .into_iter()
        .flat_map(|(o, c)| [(o, c), (o, "")])
        .map(|(open, close)| {
            let text = format!(
                "locals {{\n  x = {}1{}\n}}\n",
                open.repeat(n),
                close.repeat(n)
            );
            (open.to_string(), text)
        })
        .collect();
    texts.push((
        "block".into(),
        "table \"t\" {\n".repeat(n) + &"}\n".repeat(n),
    ));
    for (open, text) in texts {
        let r = std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(move || {
                let files = [("main.hcl".to_string(), text)];
                check_no_panic(&files, Path::new("."))
            })
            .unwrap()
            .join();
        match r {
            Ok(Ok(())) => {}
            Ok(Err(e)) => panic!("{open}: {e}"),
            Err(_) => panic!("{open}: the loader panicked"),
        }
    }
}
