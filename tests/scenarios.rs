//! The scenario corpus: each directory of `tests/scenarios/` is one case.
//!
//! ```text
//! tests/scenarios/NN_name/
//!   before.sql   optional: run on a fresh database first (may insert rows)
//!   *.hcl        the desired state
//!   owned.txt    optional: addresses the state owns (one a line), so their drops are planned
//!   fails.txt    optional: applying must fail with this text in the error, and leave the
//!                database exactly as it was (schema and rows)
//!   expect.txt   the plan as people read it, then its SQL (written by SCENARIOS_BLESS=1)
//! ```
//!
//! Each case: fresh database → `before.sql` → plan through the library (normalisation in a
//! throwaway database included) → compare with `expect.txt` → apply every phase (dangerous
//! steps allowed) → plan again: no steps (no false drift). Cases run in parallel, a few at
//! a time. `SCENARIOS_ONLY=NN` runs the cases whose name starts with NN;
//! `SCENARIOS_BLESS=1` rewrites `expect.txt` instead of comparing.
//!
//! Together the cases must show every S/C/D rule and every L3xx finding (checked at the end
//! of a full run); the rules only Edge Functions reach are covered by `plan::build` on
//! hand-made diffs below.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::time::Instant;
use supaform::config::{load, LoadOptions};
use supaform::engine::{self, PlanRequest, StateView};
use supaform::introspect::introspect;
use supaform::plan::{Plan, Rule};
use supaform::report::plan::{human, sql, Style};

/// At most this many cases at once: most of a case is spent waiting for the server (the
/// checkpoint each dropped normalisation database waits for), not on the CPU.
const PARALLEL: usize = 6;

fn cases() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios");
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("tests/scenarios")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_dir())
        .collect();
    v.sort();
    v
}

fn read_opt(p: &Path) -> Option<String> {
    std::fs::read_to_string(p).ok()
}

async fn rows(client: &tokio_postgres::Client, sql: &str) -> Vec<Vec<Option<String>>> {
    client
        .simple_query(sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .into_iter()
        .filter_map(|m| match m {
            tokio_postgres::SimpleQueryMessage::Row(r) => {
                Some((0..r.len()).map(|i| r.get(i).map(str::to_string)).collect())
            }
            _ => None,
        })
        .collect()
}

/// Everything a failed apply must leave as it was: the schema as introspected and every
/// row of every table of the managed schemas.
async fn snapshot(client: &tokio_postgres::Client, cfg: &supaform::config::Config) -> String {
    let live = introspect(client, &engine::introspect_options(&cfg.model))
        .await
        .expect("introspect");
    let mut out = serde_json::to_string_pretty(&live.model).expect("json");
    for t in live.model.tables.keys() {
        let q = format!(
            "SELECT count(*)::text, md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) FROM {} x",
            t.sql()
        );
        for r in rows(client, &q).await {
            out.push_str(&format!("\n{t}: {r:?}"));
        }
    }
    out
}

/// What one case produced, for the coverage check.
struct Outcome {
    name: String,
    rules: BTreeSet<String>,
    findings: BTreeSet<String>,
    failure: Option<String>,
    millis: u128,
    database: Option<String>,
}

fn render(plan: &Plan) -> String {
    format!(
        "{}\n==== SQL ====\n{}",
        human(plan, Style { color: false }),
        sql(plan)
    )
}

async fn run_case(dir: PathBuf) -> Outcome {
    let t0 = Instant::now();
    let name = dir.file_name().unwrap().to_string_lossy().to_string();
    let mut out = Outcome {
        name: name.clone(),
        rules: BTreeSet::new(),
        findings: BTreeSet::new(),
        failure: None,
        millis: 0,
        database: None,
    };
    let result = case_body(&dir, &name, &mut out).await;
    if let Err(e) = result {
        out.failure = Some(e);
    }
    out.millis = t0.elapsed().as_millis();
    out
}

async fn case_body(dir: &Path, name: &str, out: &mut Outcome) -> Result<(), String> {
    let url = common::fresh_db(name).await;
    let client = supaform::db::connect(&url)
        .await
        .map_err(|e| format!("connect: {e}"))?;
    let result = case_steps(dir, &url, &client, out).await;
    // A passing case's database is dropped after the run (a failing one stays for a look,
    // until the next run drops it); left behind, each would slow the next run's start.
    if result.is_ok() {
        out.database = url
            .rsplit('/')
            .next()
            .and_then(|s| s.split('?').next())
            .map(str::to_string);
    }
    result
}

async fn case_steps(
    dir: &Path,
    url: &str,
    client: &tokio_postgres::Client,
    out: &mut Outcome,
) -> Result<(), String> {
    if let Some(before) = read_opt(&dir.join("before.sql")) {
        client
            .batch_execute(&before)
            .await
            .map_err(|e| format!("before.sql: {e:?}"))?;
    }
    let opts = LoadOptions {
        env: Box::new(|_| None),
        ..Default::default()
    };
    let cfg = load(dir, &opts).map_err(|d| format!("{:?}", miette::Report::new(d)))?;
    let state = StateView {
        owned: read_opt(&dir.join("owned.txt"))
            .unwrap_or_default()
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(str::to_string)
            .collect(),
        ..Default::default()
    };
    let planned = engine::plan_config(&cfg, "test", url, &state, &common::options())
        .await
        .map_err(|e| format!("plan: {e:?}"))?;
    let plan = planned.plan;
    for s in &plan.steps {
        out.rules
            .extend(s.rules.iter().map(|r| r.rule.code().to_string()));
    }
    out.findings
        .extend(plan.findings.iter().map(|f| f.rule.to_string()));

    // The expected plan.
    let text = render(&plan);
    let expect_path = dir.join("expect.txt");
    if std::env::var_os("SCENARIOS_BLESS").is_some() {
        std::fs::write(&expect_path, &text).map_err(|e| e.to_string())?;
    } else {
        let expected = read_opt(&expect_path).unwrap_or_default();
        if expected != text {
            let diff = similar::TextDiff::from_lines(&expected, &text)
                .unified_diff()
                .header("expect.txt", "actual")
                .to_string();
            return Err(format!(
                "the plan differs from expect.txt (SCENARIOS_BLESS=1 rewrites it):\n{diff}"
            ));
        }
    }
    if !plan.has_changes() {
        return Ok(());
    }

    // Apply, dangerous steps included.
    let fails = read_opt(&dir.join("fails.txt")).map(|s| s.trim().to_string());
    let before = match fails {
        Some(_) => Some(snapshot(client, &cfg).await),
        None => None,
    };
    let exec =
        supaform::apply::exec::run(client, &plan, &Default::default(), &mut |_| {}, || async {
            Ok(())
        })
        .await;
    match (fails, exec) {
        (None, Ok(_)) => {}
        (None, Err(e)) => return Err(format!("apply failed: {e}\n{}", render(&plan))),
        (Some(want), Ok(_)) => {
            return Err(format!("apply succeeded but must fail with {want:?}"));
        }
        (Some(want), Err(e)) => {
            let msg = e.to_string();
            if !msg.contains(&want) {
                return Err(format!("apply failed with {msg:?}, expected {want:?}"));
            }
            let after = snapshot(client, &cfg).await;
            if Some(&after) != before.as_ref() {
                let diff = similar::TextDiff::from_lines(before.as_deref().unwrap_or(""), &after)
                    .unified_diff()
                    .to_string();
                return Err(format!("the failed apply changed the database:\n{diff}"));
            }
            return Ok(());
        }
    }

    // The rows, where the case says what they must be after the apply.
    if let Some(query) = read_opt(&dir.join("rows.sql")) {
        let want = read_opt(&dir.join("rows.txt")).unwrap_or_default();
        let got: Vec<String> = client
            .simple_query(&query)
            .await
            .map_err(|e| format!("rows.sql: {e}"))?
            .into_iter()
            .filter_map(|m| match m {
                tokio_postgres::SimpleQueryMessage::Row(r) => Some(
                    (0..r.len())
                        .map(|i| r.get(i).unwrap_or("NULL"))
                        .collect::<Vec<_>>()
                        .join("|"),
                ),
                _ => None,
            })
            .collect();
        if got.join("\n").trim() != want.trim() {
            return Err(format!(
                "rows after apply differ from rows.txt:\n{}\nexpected:\n{}",
                got.join("\n"),
                want.trim()
            ));
        }
    }

    // Plan again: nothing left to do.
    let live = introspect(client, &engine::introspect_options(&cfg.model))
        .await
        .map_err(|e| format!("introspect after apply: {e}"))?;
    let again = engine::plan_against(
        client,
        PlanRequest {
            environment: "test",
            config_hash: &cfg.hash,
            desired: planned.desired,
            raw_desired: &cfg.model,
            live,
            state: &state,
            own_everything: false,
        },
    )
    .await;
    if again.plan.has_changes() {
        return Err(format!("false drift after apply:\n{}", render(&again.plan)));
    }
    Ok(())
}

/// The rules only the Edge Functions phase reaches; covered by `edge_function_rules` below.
const EDGE_ONLY: &[&str] = &["S011", "S012", "C107", "C114", "D205", "D210"];
/// Rules the planner has no generator for yet (docs/architecture.md, Planner limitations).
const NOT_GENERATED: &[&str] = &["S013", "D203"];

#[test]
fn every_scenario_plans_applies_and_converges() {
    common::server();
    let only = std::env::var("SCENARIOS_ONLY").ok();
    let all = cases();
    assert!(
        only.is_some() || all.len() >= 60,
        "the corpus has {} cases",
        all.len()
    );
    let selected: Vec<PathBuf> = all
        .into_iter()
        .filter(|p| {
            only.as_ref().is_none_or(|o| {
                p.file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with(o.as_str()))
            })
        })
        .collect();
    let t0 = Instant::now();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let local = tokio::task::LocalSet::new();
    let outcomes: Vec<Outcome> = local.block_on(&rt, async {
        let sem = Rc::new(tokio::sync::Semaphore::new(PARALLEL));
        let handles: Vec<_> = selected
            .iter()
            .cloned()
            .map(|dir| {
                let sem = sem.clone();
                tokio::task::spawn_local(async move {
                    let _permit = sem.acquire().await.expect("semaphore");
                    run_case(dir).await
                })
            })
            .collect();
        let mut v = Vec::new();
        for h in handles {
            v.push(h.await.expect("case task"));
        }
        v
    });
    let elapsed = t0.elapsed();
    // Together: concurrent drops share the checkpoint each one waits for.
    let t1 = Instant::now();
    local.block_on(&rt, async {
        let handles: Vec<_> = outcomes
            .iter()
            .filter_map(|o| o.database.clone())
            .map(|db| {
                tokio::task::spawn_local(async move {
                    let _ = common::server().drop_database(&db).await;
                })
            })
            .collect();
        for h in handles {
            let _ = h.await;
        }
    });
    eprintln!(
        "dropped the scenario databases in {:.2} s",
        t1.elapsed().as_secs_f64()
    );
    let mut failures = Vec::new();
    for o in &outcomes {
        if let Some(f) = &o.failure {
            failures.push(format!("--- {} ({} ms)\n{f}", o.name, o.millis));
        }
    }
    let slowest = outcomes.iter().max_by_key(|o| o.millis);
    eprintln!(
        "{} scenarios in {:.2} s (slowest: {} ms, {})",
        outcomes.len(),
        elapsed.as_secs_f64(),
        slowest.map(|o| o.millis).unwrap_or(0),
        slowest.map(|o| o.name.as_str()).unwrap_or("-")
    );
    assert!(
        failures.is_empty(),
        "{} of {} scenarios failed:\n{}",
        failures.len(),
        outcomes.len(),
        failures.join("\n")
    );
    if only.is_some() {
        return;
    }
    // Coverage: every rule and every finding shows up somewhere.
    let rules: BTreeSet<&str> = outcomes
        .iter()
        .flat_map(|o| o.rules.iter().map(String::as_str))
        .collect();
    let missing: Vec<&str> = Rule::ALL
        .iter()
        .map(|r| r.code())
        .filter(|c| !EDGE_ONLY.contains(c) && !NOT_GENERATED.contains(c) && !rules.contains(c))
        .collect();
    assert!(missing.is_empty(), "no scenario shows {missing:?}");
    let findings: BTreeSet<&str> = outcomes
        .iter()
        .flat_map(|o| o.findings.iter().map(String::as_str))
        .collect();
    let missing: Vec<String> = (301..=313)
        .map(|n| format!("L{n}"))
        .filter(|c| !findings.contains(c.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "no scenario shows the findings {missing:?}"
    );
}

/// The rules of the *functions* phase, on hand-made diffs (the database phases never reach
/// them): each change gets its rule, its phase, and no SQL.
#[test]
fn edge_function_rules() {
    use supaform::diff::{Change, Diff};
    use supaform::model::{EdgeFunction, Model};
    use supaform::plan::{build, Context, Phase, Rows};
    let f = |entrypoint: &str, verify_jwt: bool| EdgeFunction {
        slug: "pay".into(),
        name: "pay".into(),
        source: "functions/pay".into(),
        entrypoint: entrypoint.into(),
        verify_jwt,
        import_map: None,
        static_files: vec![],
        secrets: vec!["STRIPE_KEY".into()],
    };
    let cases: Vec<(Change, &str)> = vec![
        (
            Change::DeployEdgeFunction {
                function: f("index.ts", true),
                new: true,
                from: None,
            },
            "S011",
        ),
        (
            Change::DeployEdgeFunction {
                function: f("index.ts", true),
                new: false,
                from: Some(f("index.ts", true)),
            },
            "S011",
        ),
        (
            Change::DeployEdgeFunction {
                function: f("main.ts", false),
                new: false,
                from: Some(f("index.ts", true)),
            },
            "C107",
        ),
        (
            Change::SetSecret {
                name: "STRIPE_KEY".into(),
                new: true,
            },
            "S012",
        ),
        (
            Change::DeleteSecret {
                name: "OLD_KEY".into(),
                used_by: vec![],
            },
            "C114",
        ),
        (Change::DeleteEdgeFunction(f("index.ts", true)), "D205"),
        (
            Change::DeleteSecret {
                name: "STRIPE_KEY".into(),
                used_by: vec!["pay".into()],
            },
            "D210",
        ),
    ];
    let (desired, live, rows) = (Model::default(), Model::default(), Rows::new());
    let ctx = Context {
        desired: &desired,
        live: &live,
        rows: &rows,
    };
    let mut seen = BTreeSet::new();
    for (change, code) in cases {
        let d = Diff {
            changes: vec![change.clone()],
            ..Default::default()
        };
        let steps = build(&d, &ctx);
        assert_eq!(steps.len(), 1, "{change:?}");
        let s = &steps[0];
        let codes: Vec<&str> = s.rules.iter().map(|r| r.rule.code()).collect();
        assert_eq!(codes, [code], "{change:?}");
        assert_eq!(s.risk, s.rules[0].rule.risk());
        assert_eq!(s.phase, Phase::Functions);
        assert!(s.sql.is_empty(), "{:?}", s.sql);
        seen.insert(code);
    }
    assert_eq!(seen.into_iter().collect::<Vec<_>>(), {
        let mut v = EDGE_ONLY.to_vec();
        v.sort();
        v
    });
}
