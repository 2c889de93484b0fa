//! Plans for people (Terraform's layout: a symbol per step, a risk badge, a summary line),
//! as SQL (per phase, exactly what apply runs) and as JSON (`schemas/plan.schema.json`).

use crate::diff::Action;
use crate::plan::{Phase, Plan, Risk, Step};
use std::fmt::Write;

/// Styling: ANSI colour only when the caller says the output is a colour terminal.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub color: bool,
}

impl Style {
    fn paint(&self, code: &str, s: &str) -> String {
        if self.color {
            format!("\u{1b}[{code}m{s}\u{1b}[0m")
        } else {
            s.to_string()
        }
    }

    fn risk(&self, r: Risk) -> String {
        let code = match r {
            Risk::Safe => "32",
            Risk::Caution => "33",
            Risk::Dangerous => "1;31",
        };
        self.paint(code, &format!("[{}]", r.as_str()))
    }

    fn symbol(&self, a: Action) -> String {
        let code = match a {
            Action::Create => "32",
            Action::Update | Action::Rename => "33",
            Action::Delete => "31",
            Action::Replace => "35",
        };
        self.paint(code, &format!("{:>3}", a.symbol()))
    }
}

/// The human rendering.
pub fn human(plan: &Plan, style: Style) -> String {
    let mut out = String::new();
    if !plan.has_changes() {
        let _ = match &plan.compared {
            Some(c) => writeln!(out, "No changes. {} matches {}.", c.from, c.to),
            None => writeln!(
                out,
                "No changes. Environment \"{}\" matches the configuration.",
                plan.environment
            ),
        };
        unmanaged_and_hints(plan, style, &mut out);
        return out;
    }
    let _ = match &plan.compared {
        Some(c) => writeln!(
            out,
            "supaform would perform the following actions on {} (--from) to make it match {} (--to):\n",
            c.from, c.to
        ),
        None => writeln!(
            out,
            "supaform will perform the following actions on environment \"{}\":\n",
            plan.environment
        ),
    };
    let mut phase = None;
    for s in &plan.steps {
        if phase != Some(s.phase) {
            phase = Some(s.phase);
            let _ = writeln!(
                out,
                "  # phase {}: {}",
                s.phase.as_str(),
                phase_note(s.phase)
            );
        }
        step(s, style, &mut out);
    }
    unmanaged_and_hints(plan, style, &mut out);
    let _ = writeln!(out, "\n{}", summary_line(plan));
    out
}

fn phase_note(p: Phase) -> &'static str {
    match p {
        Phase::Pre => "committed first, one statement at a time",
        Phase::Transaction => "one transaction, all or nothing",
        Phase::Validate => "each constraint added, then validated without blocking writes",
        Phase::Concurrent => "outside a transaction, without blocking writes",
        Phase::Functions => "secrets and Edge Functions, through the Management API",
    }
}

fn step(s: &Step, style: Style, out: &mut String) {
    let _ = writeln!(
        out,
        "{} {} {}",
        style.symbol(s.action),
        s.address,
        style.risk(s.risk)
    );
    let _ = writeln!(out, "      {}", s.summary);
    for r in &s.rules {
        let _ = writeln!(out, "      {} {}", r.rule.code(), r.reason);
    }
    if let Some(rows) = s.affected_rows {
        let _ = writeln!(
            out,
            "      rows affected: {}{}",
            if rows.exact { "" } else { "about " },
            rows.rows
        );
    }
    if let Some(b) = &s.backup {
        match &b.columns {
            None => {
                let _ = writeln!(out, "      backup: every row of {} (COPY)", b.table);
            }
            Some(cols) => {
                let _ = writeln!(
                    out,
                    "      backup: {} ({}) (COPY)",
                    b.table,
                    cols.join(", ")
                );
            }
        }
    }
    if !s.depends_on.is_empty() {
        let _ = writeln!(out, "      after: {}", s.depends_on.join(", "));
    }
    out.push('\n');
}

fn unmanaged_and_hints(plan: &Plan, style: Style, out: &mut String) {
    if !plan.findings.is_empty() {
        let _ = writeln!(
            out,
            "{}",
            style.paint("1", "Findings on the configuration:")
        );
        for f in &plan.findings {
            let badge = match f.severity {
                crate::lint::Severity::Info => style.paint("36", "[info]"),
                crate::lint::Severity::Caution => style.risk(Risk::Caution),
                crate::lint::Severity::Dangerous => style.risk(Risk::Dangerous),
            };
            let _ = writeln!(out, "  {} {} {}", badge, f.rule, f.address);
            let _ = writeln!(out, "      {}", f.message);
            if let Some(h) = &f.help {
                let _ = writeln!(out, "      help: {h}");
            }
        }
        out.push('\n');
    }
    if !plan.hints.is_empty() {
        let _ = writeln!(out, "{}", style.paint("1", "Hints:"));
        for h in &plan.hints {
            let _ = writeln!(out, "  {}: {}", h.address, h.message);
        }
        out.push('\n');
    }
    if !plan.unmanaged.is_empty() {
        let _ = writeln!(
            out,
            "{} objects exist live that supaform does not manage (left alone; `supaform import` brings them in):",
            plan.unmanaged.len()
        );
        for a in &plan.unmanaged {
            let _ = writeln!(out, "  {a}");
        }
    }
}

/// `Plan: 3 safe, 1 caution, 1 dangerous (2 to add, 1 to change, 1 to destroy).`
pub fn summary_line(plan: &Plan) -> String {
    let n = |f: &dyn Fn(&Step) -> bool| plan.steps.iter().filter(|s| f(s)).count();
    format!(
        "Plan: {} safe, {} caution, {} dangerous ({} to add, {} to change, {} to destroy).",
        plan.count(Risk::Safe),
        plan.count(Risk::Caution),
        plan.count(Risk::Dangerous),
        n(&|s| s.action == Action::Create),
        n(&|s| matches!(s.action, Action::Update | Action::Rename | Action::Replace)),
        n(&|s| s.action == Action::Delete),
    )
}

/// The exact SQL, per phase, as apply runs it.
pub fn sql(plan: &Plan) -> String {
    let mut out = match &plan.compared {
        Some(c) => format!(
            "-- supaform diff: the SQL that makes {} (--from) match {} (--to)\n",
            c.from, c.to
        ),
        None => format!(
            "-- supaform plan for environment \"{}\"\n",
            plan.environment
        ),
    };
    for phase in [
        Phase::Pre,
        Phase::Transaction,
        Phase::Validate,
        Phase::Concurrent,
        Phase::Functions,
    ] {
        let steps: Vec<&Step> = plan.phase(phase).collect();
        if steps.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n-- phase {}: {}", phase.as_str(), phase_note(phase));
        if phase == Phase::Transaction {
            out.push_str("BEGIN;\n");
        }
        for s in steps {
            let _ = writeln!(
                out,
                "\n-- {} {} [{}]",
                s.action.symbol(),
                s.address,
                s.risk.as_str()
            );
            if s.sql.is_empty() {
                let _ = writeln!(out, "-- (Management API: {})", s.summary);
            }
            for stmt in &s.sql {
                // A statement ending in a `--` comment gets its `;` on the next line.
                let tail_comment = stmt.lines().last().is_some_and(line_comment);
                let _ = writeln!(out, "{stmt}{}", if tail_comment { "\n;" } else { ";" });
            }
        }
        if phase == Phase::Transaction {
            out.push_str("\nCOMMIT;\n");
        }
    }
    out
}

/// Whether a line ends in a `--` comment (outside quoted names and strings).
fn line_comment(line: &str) -> bool {
    let (mut single, mut double) = (false, false);
    let b = line.as_bytes();
    for i in 0..b.len() {
        match b[i] {
            b'\'' if !double => single = !single,
            b'"' if !single => double = !double,
            b'-' if !single && !double && b.get(i + 1) == Some(&b'-') => return true,
            _ => {}
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::{PlanHint, RowCount, Rule, RuleHit};

    fn plan() -> Plan {
        Plan {
            format_version: 1,
            environment: "production".into(),
            config_hash: "blake3:x".into(),
            live_fingerprint: "blake3:y".into(),
            state_lineage: None,
            state_serial: None,
            steps: vec![
                Step {
                    address: "enum.public.status".into(),
                    action: Action::Update,
                    risk: Risk::Safe,
                    rules: vec![RuleHit::new(Rule::S005, "existing rows are unaffected")],
                    summary: "add value c to enum public.status".into(),
                    sql: vec!["ALTER TYPE \"public\".\"status\" ADD VALUE 'c'".into()],
                    phase: Phase::Pre,
                    depends_on: vec![],
                    affected_rows: None,
                    backup: None,
                    undo: vec![],
                },
                Step {
                    address: "table.public.old".into(),
                    action: Action::Delete,
                    risk: Risk::Dangerous,
                    rules: vec![RuleHit::new(
                        Rule::D201,
                        "every row of public.old is deleted",
                    )],
                    summary: "drop table public.old".into(),
                    sql: vec!["DROP TABLE \"public\".\"old\"".into()],
                    phase: Phase::Transaction,
                    depends_on: vec![],
                    affected_rows: Some(RowCount {
                        rows: 1200,
                        exact: false,
                    }),
                    backup: Some(crate::plan::BackupSpec {
                        table: "public.old".into(),
                        columns: None,
                    }),
                    undo: vec![],
                },
            ],
            findings: vec![crate::lint::Finding {
                rule: crate::lint::Rule::L302,
                severity: crate::lint::Severity::Caution,
                address: "table.public.notes".into(),
                message: "RLS is on but no policy exists".into(),
                help: Some("add a policy".into()),
            }],
            unmanaged: vec!["table.public.legacy".into()],
            hints: vec![PlanHint {
                address: "table.public.old".into(),
                message: "if it was renamed, add renamed_from".into(),
            }],
            targets: vec![],
            compared: None,
        }
    }

    #[test]
    fn the_human_plan_shows_symbols_badges_rows_backups_and_a_summary() {
        let text = human(&plan(), Style { color: false });
        insta::assert_snapshot!(text, @r#"
        supaform will perform the following actions on environment "production":

          # phase pre: committed first, one statement at a time
          ~ enum.public.status [safe]
              add value c to enum public.status
              S005 existing rows are unaffected

          # phase transaction: one transaction, all or nothing
          - table.public.old [dangerous]
              drop table public.old
              D201 every row of public.old is deleted
              rows affected: about 1200
              backup: every row of public.old (COPY)

        Findings on the configuration:
          [caution] L302 table.public.notes
              RLS is on but no policy exists
              help: add a policy

        Hints:
          table.public.old: if it was renamed, add renamed_from

        1 objects exist live that supaform does not manage (left alone; `supaform import` brings them in):
          table.public.legacy

        Plan: 1 safe, 0 caution, 1 dangerous (0 to add, 1 to change, 1 to destroy).
        "#);
    }

    #[test]
    fn only_a_real_trailing_comment_moves_the_semicolon() {
        assert!(line_comment("  where is_published -- public ones"));
        assert!(!line_comment("ADD COLUMN \"Note \"\"x\"\"; --\" text"));
        assert!(!line_comment("SET DEFAULT 'in \"review\"; --'"));
    }

    #[test]
    fn colour_only_when_asked() {
        assert!(!human(&plan(), Style { color: false }).contains('\u{1b}'));
        assert!(human(&plan(), Style { color: true }).contains("\u{1b}[1;31m[dangerous]"));
    }

    #[test]
    fn the_sql_rendering_wraps_the_transaction_phase() {
        insta::assert_snapshot!(sql(&plan()), @r#"
        -- supaform plan for environment "production"

        -- phase pre: committed first, one statement at a time

        -- ~ enum.public.status [safe]
        ALTER TYPE "public"."status" ADD VALUE 'c';

        -- phase transaction: one transaction, all or nothing
        BEGIN;

        -- - table.public.old [dangerous]
        DROP TABLE "public"."old";

        COMMIT;
        "#);
    }
}
