//! Running a plan's SQL on one session, phase by phase (DESIGN.md §5): *pre* statements
//! one at a time in autocommit, the *transaction* phase all or nothing, the *validate*
//! phase (constraints on populated tables, each added `NOT VALID` then validated in short
//! transactions of their own, removed again when validation fails), then the *concurrent*
//! index builds one by one, dropping an invalid index a failed build leaves.

use crate::plan::{Phase, Plan, Step};
use miette::Diagnostic;
use serde::Serialize;
use std::time::{Duration, Instant};
use thiserror::Error;

/// Session settings for the apply.
#[derive(Debug, Clone, Default)]
pub struct ExecOptions {
    /// e.g. `"5s"`; Postgres' own syntax, set with `SET LOCAL` (validated by the loader).
    pub lock_timeout: Option<String>,
    pub statement_timeout: Option<String>,
}

/// Progress, as it happens. Serialised for `apply --json`.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    PhaseStarted {
        phase: Phase,
        steps: usize,
    },
    StepStarted {
        address: String,
        action: String,
        risk: String,
    },
    StepDone {
        address: String,
        elapsed_ms: u128,
    },
    PhaseDone {
        phase: Phase,
        elapsed_ms: u128,
    },
    /// The transaction phase failed and was rolled back: nothing of it is applied.
    RolledBack {
        address: String,
        error: String,
    },
    /// A constraint failed its validation; the `NOT VALID` constraint was removed again.
    ConstraintRemoved {
        address: String,
    },
    /// A concurrent index build failed; the invalid index it left was dropped.
    InvalidIndexDropped {
        address: String,
        index: String,
    },
}

#[derive(Debug, Error, Diagnostic)]
pub enum ExecError {
    #[error("{address}: {message}")]
    #[diagnostic(code(supaform::apply::statement_failed), help("{help}"))]
    Statement {
        phase: Phase,
        address: String,
        statement: String,
        message: String,
        help: String,
    },
    #[error("the connection failed during the {phase:?} phase: {0}", phase = .1)]
    #[diagnostic(code(supaform::apply::connection))]
    Connection(String, Phase),
}

/// What ran.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ExecReport {
    pub applied: Vec<String>,
    pub elapsed_ms: u128,
}

fn db_message(e: &tokio_postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => {
            let mut m = db.message().to_string();
            if let Some(d) = db.detail() {
                m.push_str(&format!(" ({d})"));
            }
            m
        }
        None => e.to_string(),
    }
}

fn failed(
    phase: Phase,
    step: &Step,
    statement: &str,
    e: &tokio_postgres::Error,
    help: &str,
) -> ExecError {
    let mut help = help.to_string();
    if let Some(h) = e.as_db_error().and_then(|d| d.hint()) {
        help = format!("{h}; {help}");
    }
    ExecError::Statement {
        phase,
        address: step.address.clone(),
        statement: statement.to_string(),
        message: db_message(e),
        help,
    }
}

/// Run every database phase of `plan` (the *functions* phase belongs to the Edge
/// Functions module). `before_commit` runs inside the transaction phase, after its
/// statements and before `COMMIT` (the database state backend writes there).
pub async fn run<F, Fut>(
    client: &tokio_postgres::Client,
    plan: &Plan,
    opts: &ExecOptions,
    on_event: &mut dyn FnMut(Event),
    before_commit: F,
) -> Result<ExecReport, ExecError>
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = Result<(), String>>,
{
    let start = Instant::now();
    let mut report = ExecReport::default();

    // Pre: each statement commits on its own (ALTER TYPE … ADD VALUE must commit before
    // the value is used). Re-running is safe: a value that exists is skipped.
    let pre: Vec<&Step> = plan.phase(Phase::Pre).collect();
    if !pre.is_empty() {
        let t = Instant::now();
        on_event(Event::PhaseStarted {
            phase: Phase::Pre,
            steps: pre.len(),
        });
        let mut n = 0;
        for s in pre {
            step_started(on_event, s);
            let t0 = Instant::now();
            for stmt in &s.sql {
                let stmt = make_idempotent(stmt);
                client.batch_execute(&stmt).await.map_err(|e| {
                    failed(Phase::Pre, s, &stmt, &e, "statements of this phase before it are committed; fix the cause and run apply again")
                })?;
                n += 1;
                crate::util::crash_point(&format!("pre_after_statement_{n}"));
            }
            step_done(on_event, s, t0, &mut report);
        }
        on_event(Event::PhaseDone {
            phase: Phase::Pre,
            elapsed_ms: t.elapsed().as_millis(),
        });
    }

    // Transaction: all or nothing.
    let tx: Vec<&Step> = plan.phase(Phase::Transaction).collect();
    if !tx.is_empty() {
        let t = Instant::now();
        on_event(Event::PhaseStarted {
            phase: Phase::Transaction,
            steps: tx.len(),
        });
        let setup = format!(
            "BEGIN; SET LOCAL check_function_bodies = off;{}",
            set_local_timeouts(opts)
        );
        client
            .batch_execute(&setup)
            .await
            .map_err(|e| ExecError::Connection(db_message(&e), Phase::Transaction))?;
        crate::util::crash_point("tx_after_begin");
        let total: usize = tx.iter().map(|s| s.sql.len()).sum();
        let mut n = 0;
        let mut done = Vec::new();
        for s in tx {
            step_started(on_event, s);
            let t0 = Instant::now();
            for stmt in &s.sql {
                if let Err(e) = client.batch_execute(stmt).await {
                    let _ = client.batch_execute("ROLLBACK").await;
                    on_event(Event::RolledBack {
                        address: s.address.clone(),
                        error: db_message(&e),
                    });
                    return Err(failed(
                        Phase::Transaction,
                        s,
                        stmt,
                        &e,
                        "the transaction was rolled back: nothing of this phase was applied",
                    ));
                }
                n += 1;
                if n == 1 {
                    crate::util::crash_point("tx_after_statement_first");
                }
                if n == total.div_ceil(2) {
                    crate::util::crash_point("tx_after_statement_middle");
                }
                if n == total {
                    crate::util::crash_point("tx_after_statement_last");
                }
            }
            done.push((s, t0.elapsed()));
        }
        if let Err(reason) = before_commit().await {
            let _ = client.batch_execute("ROLLBACK").await;
            return Err(ExecError::Connection(reason, Phase::Transaction));
        }
        crate::util::crash_point("tx_before_commit");
        client.batch_execute("COMMIT").await.map_err(|e| {
            ExecError::Connection(
                format!(
                    "COMMIT failed, nothing of this phase was applied: {}",
                    db_message(&e)
                ),
                Phase::Transaction,
            )
        })?;
        crate::util::crash_point("tx_after_commit");
        for (s, took) in done {
            on_event(Event::StepDone {
                address: s.address.clone(),
                elapsed_ms: took.as_millis(),
            });
            report.applied.push(s.address.clone());
        }
        on_event(Event::PhaseDone {
            phase: Phase::Transaction,
            elapsed_ms: t.elapsed().as_millis(),
        });
    }

    // Validate: each constraint on a populated table in short transactions of its own —
    // added NOT VALID (a brief lock; new rows are checked from then on), then validated
    // (existing rows are scanned without blocking writes). A failure removes it again.
    let val: Vec<&Step> = plan.phase(Phase::Validate).collect();
    if !val.is_empty() {
        let t = Instant::now();
        on_event(Event::PhaseStarted {
            phase: Phase::Validate,
            steps: val.len(),
        });
        let settings = set_local_timeouts(opts);
        for (k, s) in val.into_iter().enumerate() {
            step_started(on_event, s);
            let t0 = Instant::now();
            for (i, stmt) in s.sql.iter().enumerate() {
                let batch = format!("BEGIN;{settings}\n{stmt};\nCOMMIT;");
                if let Err(e) = client.batch_execute(&batch).await {
                    let _ = client.batch_execute("ROLLBACK").await;
                    let mut undone = true;
                    for u in &s.undo {
                        undone &= client.batch_execute(u).await.is_ok();
                    }
                    if undone && !s.undo.is_empty() {
                        on_event(Event::ConstraintRemoved {
                            address: s.address.clone(),
                        });
                    }
                    let help = if undone {
                        "earlier phases are committed; this constraint was removed again, so the table is as it was: fix the rows that violate it and run apply again"
                    } else {
                        "earlier phases are committed; removing this constraint again failed too: the next plan shows what is left"
                    };
                    return Err(failed(Phase::Validate, s, stmt, &e, help));
                }
                if i == 0 {
                    crate::util::crash_point("validate_after_add");
                }
            }
            step_done(on_event, s, t0, &mut report);
            crate::util::crash_point(&format!("validate_after_step_{}", k + 1));
        }
        on_event(Event::PhaseDone {
            phase: Phase::Validate,
            elapsed_ms: t.elapsed().as_millis(),
        });
    }

    crate::util::crash_point("between_tx_and_concurrent");
    // Concurrent: outside any transaction, one by one.
    let conc: Vec<&Step> = plan.phase(Phase::Concurrent).collect();
    if !conc.is_empty() {
        let t = Instant::now();
        on_event(Event::PhaseStarted {
            phase: Phase::Concurrent,
            steps: conc.len(),
        });
        for (k, s) in conc.into_iter().enumerate() {
            step_started(on_event, s);
            let t0 = Instant::now();
            // A build interrupted earlier (the apply or its session killed) left an
            // invalid index of this name: drop it, or the build fails with "already exists".
            if let Some((schema, index)) = index_of(s) {
                if drop_invalid_index(client, &schema, &index).await {
                    on_event(Event::InvalidIndexDropped {
                        address: s.address.clone(),
                        index: index.clone(),
                    });
                }
            }
            for stmt in &s.sql {
                crate::util::crash_point_after(
                    "concurrent_during_build",
                    Duration::from_millis(100),
                );
                if let Err(e) = client.batch_execute(stmt).await {
                    if let Some((schema, index)) = index_of(s) {
                        if drop_invalid_index(client, &schema, &index).await {
                            on_event(Event::InvalidIndexDropped {
                                address: s.address.clone(),
                                index: index.clone(),
                            });
                        }
                    }
                    return Err(failed(
                        Phase::Concurrent,
                        s,
                        stmt,
                        &e,
                        "earlier phases are committed; the invalid index the failed build left was dropped; fix the cause and run apply again",
                    ));
                }
            }
            step_done(on_event, s, t0, &mut report);
            crate::util::crash_point(&format!("concurrent_after_step_{}", k + 1));
        }
        on_event(Event::PhaseDone {
            phase: Phase::Concurrent,
            elapsed_ms: t.elapsed().as_millis(),
        });
    }
    report.elapsed_ms = start.elapsed().as_millis();
    Ok(report)
}

/// ` SET LOCAL lock_timeout = …; SET LOCAL statement_timeout = …;` for the timeouts the
/// environment sets (inside a transaction).
fn set_local_timeouts(opts: &ExecOptions) -> String {
    let mut out = String::new();
    for (name, v) in [
        ("lock_timeout", &opts.lock_timeout),
        ("statement_timeout", &opts.statement_timeout),
    ] {
        if let Some(v) = v {
            out.push_str(&format!(
                " SET LOCAL {name} = {};",
                crate::quote::literal(v)
            ));
        }
    }
    out
}

fn step_started(on_event: &mut dyn FnMut(Event), s: &Step) {
    on_event(Event::StepStarted {
        address: s.address.clone(),
        action: s.action.symbol().to_string(),
        risk: s.risk.as_str().to_string(),
    });
}

fn step_done(on_event: &mut dyn FnMut(Event), s: &Step, t0: Instant, report: &mut ExecReport) {
    on_event(Event::StepDone {
        address: s.address.clone(),
        elapsed_ms: t0.elapsed().as_millis(),
    });
    report.applied.push(s.address.clone());
}

/// `ALTER TYPE … ADD VALUE 'x'` → `… ADD VALUE IF NOT EXISTS 'x'`, so an apply interrupted
/// after the pre phase can be run again.
fn make_idempotent(stmt: &str) -> String {
    if stmt.starts_with("ALTER TYPE ")
        && stmt.contains(" ADD VALUE '")
        && !stmt.contains("IF NOT EXISTS")
    {
        stmt.replacen(" ADD VALUE '", " ADD VALUE IF NOT EXISTS '", 1)
    } else {
        stmt.to_string()
    }
}

/// The index a concurrent step builds: `table.<schema>.<table>.index.<name>`.
fn index_of(s: &Step) -> Option<(String, String)> {
    let rest = s.address.strip_prefix("table.")?;
    let (head, name) = rest.split_once(".index.")?;
    let schema = head.split('.').next()?;
    Some((schema.to_string(), name.to_string()))
}

/// Drop `schema.index` if it exists and is invalid (a failed or interrupted concurrent
/// build); true when it was dropped.
async fn drop_invalid_index(client: &tokio_postgres::Client, schema: &str, index: &str) -> bool {
    let q = crate::quote::qualified(schema, index);
    let check = format!(
        "SELECT 1 FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE NOT i.indisvalid AND n.nspname = {} AND c.relname = {}",
        crate::quote::literal(schema),
        crate::quote::literal(index)
    );
    let invalid = client
        .simple_query(&check)
        .await
        .map(|m| {
            m.iter()
                .any(|x| matches!(x, tokio_postgres::SimpleQueryMessage::Row(_)))
        })
        .unwrap_or(false);
    invalid
        && client
            .batch_execute(&format!("DROP INDEX CONCURRENTLY IF EXISTS {q}"))
            .await
            .is_ok()
}

/// A generous wait for the advisory lock, in steps.
pub const LOCK_POLL: Duration = Duration::from_millis(200);
