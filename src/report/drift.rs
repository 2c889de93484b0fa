//! Drift reports for people (a terminal), for pull requests and issues (Markdown: a summary
//! table, then one collapsible section per object) and as JSON (`schemas/drift.schema.json`).
//! Secrets never show a value or a digest: the report holds none.

use crate::drift::{Category, DriftItem, DriftReport};
use crate::plan::Risk;
use serde_json::Value;
use std::fmt::Write;

pub use super::plan::Style;

fn badge(style: Style, r: Risk) -> String {
    let code = match r {
        Risk::Safe => "32",
        Risk::Caution => "33",
        Risk::Dangerous => "1;31",
    };
    paint(style, code, &format!("[{}]", r.as_str()))
}

fn paint(style: Style, code: &str, s: &str) -> String {
    if style.color {
        format!("\u{1b}[{code}m{s}\u{1b}[0m")
    } else {
        s.to_string()
    }
}

fn heading(c: Category) -> &'static str {
    match c {
        Category::OutOfBand => "Objects have changed outside of supaform",
        Category::Pending => {
            "Pending changes (the configuration differs from live; apply would make them)"
        }
        Category::Unmanaged => {
            "Unmanaged objects in managed schemas (left alone; `supaform import` brings them in)"
        }
    }
}

/// `2 out-of-band changes, 1 pending change, 0 unmanaged objects`.
pub fn counts(r: &DriftReport) -> String {
    let n = |c| r.count(c);
    let s = |k: usize| if k == 1 { "" } else { "s" };
    format!(
        "{} out-of-band change{}, {} pending change{}, {} unmanaged object{}",
        n(Category::OutOfBand),
        s(n(Category::OutOfBand)),
        n(Category::Pending),
        s(n(Category::Pending)),
        n(Category::Unmanaged),
        s(n(Category::Unmanaged)),
    )
}

fn item_human(i: &DriftItem, style: Style, out: &mut String) {
    let _ = writeln!(
        out,
        "{:>3} {} {}",
        i.symbol,
        i.address,
        badge(style, i.risk)
    );
    let _ = writeln!(out, "      {}", i.summary);
    for c in &i.changes {
        let _ = writeln!(out, "      {c}");
    }
    if !i.reason.is_empty() {
        let _ = writeln!(out, "      why: {}", i.reason);
    }
}

/// The section `supaform plan` prints before its steps: what changed outside supaform.
pub fn outside_changes(items: &[DriftItem], style: Style) -> String {
    let mut out = String::new();
    if items.is_empty() {
        return out;
    }
    let _ = writeln!(
        out,
        "{}\n",
        paint(style, "1", &format!("{}:", heading(Category::OutOfBand)))
    );
    let _ = writeln!(
        out,
        "supaform noticed that the following objects changed since the last apply (the state):\n"
    );
    for i in items {
        item_human(i, style, &mut out);
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "Unless the configuration is changed to match, the plan below reverts them (or run `supaform apply --refresh-only` to accept them into the state).\n"
    );
    let _ = writeln!(out, "{}\n", "─".repeat(60));
    out
}

/// The human rendering.
pub fn human(r: &DriftReport, style: Style) -> String {
    let mut out = String::new();
    if r.is_clean() {
        let _ = writeln!(
            out,
            "No drift. Environment \"{}\" matches the configuration and the state.",
            r.environment
        );
        return out;
    }
    let _ = writeln!(
        out,
        "Drift in environment \"{}\": {}.\n",
        r.environment,
        counts(r)
    );
    if !r.has_state {
        let _ = writeln!(
            out,
            "(No state yet: nothing is known to be owned, so no out-of-band change can be told apart.)\n"
        );
    }
    for c in [Category::OutOfBand, Category::Pending, Category::Unmanaged] {
        let items: Vec<&DriftItem> = r.of(c).collect();
        if items.is_empty() {
            continue;
        }
        let _ = writeln!(out, "{}", paint(style, "1", &format!("{}:", heading(c))));
        for i in items {
            item_human(i, style, &mut out);
        }
        out.push('\n');
    }
    out
}

fn md_escape(s: &str) -> String {
    s.replace('|', "\\|")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('\n', " ")
}

fn md_code(s: &str) -> String {
    let n = s.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let ticks = "`".repeat(n + 1);
    let pad = if s.starts_with('`') || s.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{ticks}{pad}{}{pad}{ticks}", s.replace('|', "\\|"))
}

fn fenced(lang: &str, body: &str, out: &mut String) {
    let mut longest = 0;
    let mut run = 0;
    for c in body.chars() {
        if c == '`' {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    let fence = "`".repeat(longest.max(2) + 1);
    let _ = writeln!(out, "{fence}{lang}\n{body}\n{fence}\n");
}

fn risk_md(r: Risk) -> &'static str {
    match r {
        Risk::Safe => "🟢 safe",
        Risk::Caution => "🟡 caution",
        Risk::Dangerous => "🔴 dangerous",
    }
}

fn pretty(v: &Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_default()
}

/// Markdown for a pull-request comment or an issue.
pub fn markdown(r: &DriftReport) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "## supaform drift: `{}`\n", md_escape(&r.environment));
    if r.is_clean() {
        let _ = writeln!(
            out,
            "✅ **No drift.** The environment matches the configuration and the state."
        );
        return out;
    }
    let dangerous = r.items.iter().filter(|i| i.risk == Risk::Dangerous).count();
    let _ = writeln!(
        out,
        "**Drift found:** {}{}.\n",
        counts(r),
        if dangerous > 0 {
            format!(" — **{dangerous} dangerous**")
        } else {
            String::new()
        }
    );
    let _ = writeln!(out, "| | Address | Category | Risk | What |");
    let _ = writeln!(out, "|---|---|---|---|---|");
    for i in &r.items {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            md_code(&i.symbol),
            md_code(&i.address),
            i.category.as_str(),
            risk_md(i.risk),
            md_escape(&i.summary)
        );
    }
    out.push('\n');
    for i in &r.items {
        let _ = writeln!(
            out,
            "<details>\n<summary>{} <code>{}</code> — {}, {}</summary>\n",
            md_escape(&i.symbol),
            md_escape(&i.address),
            i.category.as_str(),
            i.risk.as_str()
        );
        let _ = writeln!(out, "{}.", md_escape(&i.summary));
        if !i.reason.is_empty() {
            let _ = writeln!(out, "Why it matters: {}.", md_escape(&i.reason));
        }
        out.push('\n');
        if !i.changes.is_empty() {
            for c in &i.changes {
                let _ = writeln!(out, "- {}", md_code(c));
            }
            out.push('\n');
        }
        let (before, after) = match i.category {
            Category::OutOfBand => ("Before (the state)", "After (live)"),
            Category::Pending => ("Step", "SQL"),
            Category::Unmanaged => ("", "Live"),
        };
        // A pending step's `before` is its summary, already said above.
        if !i.before.is_null() && i.category != Category::Pending {
            let _ = writeln!(out, "**{before}**\n");
            match (&i.category, &i.before) {
                (Category::Pending, Value::String(s)) => fenced("text", s, &mut out),
                (_, v) => fenced("json", &pretty(v), &mut out),
            }
        }
        if !i.after.is_null() {
            let _ = writeln!(out, "**{after}**\n");
            match (&i.category, &i.after) {
                (Category::Pending, Value::Array(a)) if a.is_empty() => {
                    let _ = writeln!(out, "_(Management API, no SQL)_\n");
                }
                (Category::Pending, Value::Array(a)) => {
                    let sql: Vec<String> = a
                        .iter()
                        .filter_map(Value::as_str)
                        .map(|s| format!("{s};"))
                        .collect();
                    fenced("sql", &sql.join("\n"), &mut out);
                }
                (_, v) => fenced("json", &pretty(v), &mut out),
            }
        }
        let _ = writeln!(out, "</details>\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_spans_and_fences_survive_backticks() {
        assert_eq!(md_code("a`b"), "``a`b``");
        let mut out = String::new();
        fenced("text", "x ``` y", &mut out);
        assert!(out.starts_with("````text\n"), "{out}");
    }
}
