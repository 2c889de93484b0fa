//! `supaform apply`: plan (or load a saved plan), confirm, run the phases, verify.

use super::{target, Cli};
use crate::apply::{exec, lock};
use crate::engine;
use crate::plan::{Phase, Plan, Risk};
use crate::report::plan::{human, summary_line, Style};
use crate::state::Backend;
use miette::Diagnostic;
use std::collections::BTreeSet;
use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;
use thiserror::Error;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// A plan saved with `supaform plan --out FILE`; applied only if nothing changed since.
    #[arg(value_name = "PLANFILE")]
    pub plan_file: Option<PathBuf>,
    /// Environment to apply to (default: local, the embedded Postgres).
    #[arg(short = 'e', long = "env", value_name = "ENV")]
    pub env: Option<String>,
    #[command(flatten)]
    pub dev: super::DevArgs,
    /// Do not ask for confirmation (`--yes`, `-y` too).
    #[arg(long, short = 'y', alias = "yes")]
    pub auto_approve: bool,
    /// Allow dangerous steps (data loss, exposure).
    #[arg(long)]
    pub allow_dangerous: bool,
    /// Progress as a stream of JSON events on stdout.
    #[arg(long)]
    pub json: bool,
    /// Skip the rehearsal on a scratch copy of the live schema.
    #[arg(long)]
    pub no_rehearse: bool,
    /// How long to wait for another apply's lock, in seconds (`--lock-wait` too).
    #[arg(
        long = "lock-timeout",
        alias = "lock-wait",
        value_name = "SECONDS",
        default_value_t = 60
    )]
    pub lock_wait: u64,
    /// Accept what is live into the state; change nothing on the target.
    #[arg(long, conflicts_with = "plan_file")]
    pub refresh_only: bool,
}

#[derive(Debug, Error, Diagnostic)]
pub enum ApplyError {
    #[error("the saved plan is stale: {0}")]
    #[diagnostic(
        code(supaform::apply::stale_plan),
        help("run `supaform plan --out FILE` again and apply the new plan")
    )]
    StalePlan(String),
    #[error("cannot read the saved plan {path}: {reason}")]
    #[diagnostic(code(supaform::apply::plan_file))]
    PlanFile { path: String, reason: String },
    #[error("the plan has {} dangerous step(s): {}", .0.len(), .0.join(", "))]
    #[diagnostic(
        code(supaform::apply::dangerous),
        help("read them in the plan above; run again with --allow-dangerous to apply them")
    )]
    Dangerous(Vec<String>),
    #[error("refusing to destroy {}: protected by lifecycle {{ prevent_destroy = true }}", .0.join(", "))]
    #[diagnostic(
        code(supaform::apply::prevent_destroy),
        help("the protection is kept in state even after the block is removed; to really drop it, run `supaform state unprotect ADDR`, then apply again")
    )]
    PreventDestroy(Vec<String>),
    #[error("apply needs confirmation, and there is no terminal to ask")]
    #[diagnostic(
        code(supaform::apply::no_terminal),
        help("review the plan, then run again with --auto-approve (in CI: after a reviewed `supaform plan --out FILE`, `supaform apply FILE --auto-approve`)")
    )]
    NoTerminal,
    #[error("apply cancelled")]
    #[diagnostic(code(supaform::apply::cancelled))]
    Cancelled,
    #[error("the apply is incomplete: after it, {} object(s) still differ from the configuration: {}", .0.len(), .0.join(", "))]
    #[diagnostic(
        code(supaform::apply::incomplete),
        help("run `supaform plan` to see what remains; this usually means Postgres normalised an object differently on this server")
    )]
    Incomplete(Vec<String>),
}

pub fn run(cli: &Cli, args: &Args) -> miette::Result<ExitCode> {
    let cfg = super::load_config(cli)?;
    let env = target::environment(&cfg, args.env.as_deref())?;
    let rt = super::runtime()?;
    let style = Style {
        color: super::use_color_stdout(cli.no_color),
    };
    rt.block_on(async {
        let t = target::resolve(env.clone()).await?;
        let url = crate::db::DbUrl::parse(&t.url)?;
        lock::refuse_pooler(&url)?;
        let client = crate::db::connect(&t.url).await?;
        let wait = Duration::from_secs(args.lock_wait);
        lock::acquire(&client, wait).await?;
        let result = async {
            let backend = Backend::for_environment(&cfg.dir, &env)?;
            // The state file stays locked for the whole apply.
            let _file_lock = match &backend {
                Backend::File(f) => Some(f.lock_async(wait).await?),
                Backend::Database(_) => None,
            };
            apply_locked(args, &cfg, &env, &t, &client, style, &backend).await
        }
        .await;
        lock::release(&client).await;
        result
    })
}

async fn apply_locked(
    args: &Args,
    cfg: &crate::config::Config,
    env: &crate::model::Environment,
    t: &target::Target,
    client: &tokio_postgres::Client,
    style: Style,
    backend: &Backend,
) -> miette::Result<ExitCode> {
    crate::util::crash_point("after_lock");
    // Under the lock: no other apply of this environment is writing a backup.
    super::backup::report_leftovers(&cfg.dir, &env.name);
    let prev = match backend {
        Backend::File(f) => f.load()?,
        Backend::Database(d) => d.load(client).await?,
    };
    if args.refresh_only {
        return super::refresh::run(cfg, env, client, backend, prev, style).await;
    }
    let state = super::state_view(prev.as_ref());
    let local = super::dev_options(&args.dev);
    let (planned, mut baseline) =
        engine::plan_config_prepared(cfg, &env.name, &t.url, &state, &local, !args.no_rehearse)
            .await?;
    // Whatever path the apply takes, an unused rehearsal baseline is dropped after it.
    let result = apply_planned(
        args,
        cfg,
        env,
        client,
        style,
        backend,
        prev,
        &state,
        &local,
        planned,
        &mut baseline,
    )
    .await;
    if let Some(b) = baseline {
        b.discard().await;
    }
    result
}

#[allow(clippy::too_many_arguments)]
async fn apply_planned(
    args: &Args,
    cfg: &crate::config::Config,
    env: &crate::model::Environment,
    client: &tokio_postgres::Client,
    style: Style,
    backend: &Backend,
    prev: Option<crate::state::State>,
    state: &engine::StateView,
    local: &crate::local::LocalOptions,
    mut planned: engine::Planned,
    baseline: &mut Option<engine::Baseline>,
) -> miette::Result<ExitCode> {
    let functions_target = engine::plan_functions(&mut planned, cfg, env, state).await?;
    if let Some(w) = &planned.version_warning {
        eprintln!("Warning: {w}");
    }
    let plan = match &args.plan_file {
        Some(path) => {
            let saved = read_plan(path)?;
            check_fresh(&saved, &planned.plan)?;
            saved
        }
        None => planned.plan.clone(),
    };
    crate::util::crash_point("after_plan");
    if !args.json {
        print!("{}", human(&plan, style));
    }
    let base = prev
        .clone()
        .unwrap_or_else(|| crate::state::State::new(&env.name));
    if !plan.has_changes() {
        // Nothing to run; record ownership when there is no state yet or the config changed.
        if prev.as_ref().is_none_or(|p| p.config_hash != cfg.hash) {
            let next = next_state(&base, &planned, cfg, &Default::default(), &plan);
            save_state(backend, client, &next, true).await?;
        }
        return Ok(ExitCode::SUCCESS);
    }
    let protected: Vec<String> = plan
        .steps
        .iter()
        .filter(|s| s.action == crate::diff::Action::Delete && state.protected.contains(&s.address))
        .map(|s| s.address.clone())
        .collect();
    if !protected.is_empty() {
        return Err(ApplyError::PreventDestroy(protected).into());
    }
    let dangerous: Vec<String> = plan
        .steps
        .iter()
        .filter(|s| s.risk == Risk::Dangerous)
        .map(|s| s.address.clone())
        .collect();
    if !dangerous.is_empty() && !args.allow_dangerous {
        return Err(ApplyError::Dangerous(dangerous).into());
    }
    if !args.no_rehearse {
        let rehearsed = planned.clone_with_plan(plan.clone());
        let r = engine::rehearse_with(baseline.take(), &rehearsed, local).await?;
        if !args.json {
            println!("{}", r.message(&plan.targets));
        }
    }

    if !args.auto_approve {
        confirm(env, !dangerous.is_empty())?;
    }

    // Backups before anything destroys or rewrites data.
    let specs: Vec<crate::plan::BackupSpec> =
        plan.steps.iter().filter_map(|s| s.backup.clone()).collect();
    if !specs.is_empty() {
        // A crashed apply may have left a directory of this very second.
        let dir = super::backup::fresh_default(&cfg.dir, &env.name);
        crate::util::crash_point("before_backup");
        let reason = format!(
            "before apply: {}",
            plan.steps
                .iter()
                .filter(|s| s.backup.is_some())
                .map(|s| s.summary.clone())
                .collect::<Vec<_>>()
                .join("; ")
        );
        let manifest = crate::apply::backup::take(client, &specs, &dir, &env.name, &reason).await?;
        crate::util::crash_point("backup_after_manifest");
        let rows: u64 = manifest.entries.iter().map(|e| e.rows).sum();
        if args.json {
            println!(
                "{}",
                serde_json::json!({"event": "backup", "dir": dir.display().to_string(), "tables": manifest.entries.len(), "rows": rows})
            );
        } else {
            println!(
                "\nBackup: {} table(s), {rows} row(s) saved to {} (restore with `supaform restore {}`)",
                manifest.entries.len(),
                super::shown(&dir),
                super::shown(&dir)
            );
        }
    }

    let opts = exec::ExecOptions {
        lock_timeout: env.lock_timeout.clone(),
        statement_timeout: env.statement_timeout.clone(),
    };
    let json = args.json;
    // A progress bar on a terminal; plain lines otherwise (and JSON events with --json).
    let db_steps = plan
        .steps
        .iter()
        .filter(|s| s.phase != Phase::Functions)
        .count() as u64;
    let bar = (!json && std::io::stdout().is_terminal() && db_steps > 0).then(|| {
        let pb = indicatif::ProgressBar::new(db_steps);
        pb.set_style(
            indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} {msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        pb
    });
    let say = |line: String| match &bar {
        Some(pb) => pb.println(line),
        None => println!("{line}"),
    };
    let mut on_event = |e: exec::Event| {
        if json {
            if let Ok(line) = serde_json::to_string(&e) {
                println!("{line}");
            }
            return;
        }
        match e {
            exec::Event::PhaseStarted { phase, steps } => {
                say(format!("\nPhase {}: {steps} step(s)", phase.as_str()))
            }
            exec::Event::StepStarted { address, .. } => {
                if let Some(pb) = &bar {
                    pb.set_message(address);
                }
            }
            exec::Event::StepDone {
                address,
                elapsed_ms,
            } => {
                let step = plan.steps.iter().find(|s| s.address == address);
                let (sym, risk) = step
                    .map(|s| (s.action.symbol(), s.risk.as_str()))
                    .unwrap_or(("", ""));
                say(format!(
                    "  {sym:>3} {address} [{risk}] done ({elapsed_ms} ms)"
                ));
                if let Some(pb) = &bar {
                    pb.inc(1);
                }
            }
            exec::Event::RolledBack { address, error } => {
                say(format!("  rolled back at {address}: {error}"))
            }
            exec::Event::InvalidIndexDropped { index, .. } => say(format!(
                "  dropped the invalid index {index} the failed build left"
            )),
            exec::Event::ConstraintRemoved { address } => say(format!(
                "  {address}: validation failed, the constraint was removed again"
            )),
            _ => {}
        }
    };
    // Drops of the transaction phase are recorded by the state written inside it.
    let dropped: BTreeSet<String> = plan
        .steps
        .iter()
        .filter(|s| s.action == crate::diff::Action::Delete && s.phase == Phase::Transaction)
        .map(|s| s.address.clone())
        .collect();
    let next = next_state(&base, &planned, cfg, &dropped, &plan);
    let saved_in_tx = std::cell::Cell::new(false);
    let result = exec::run(client, &plan, &opts, &mut on_event, || async {
        if let Backend::Database(d) = backend {
            d.save_in(client, &next).await.map_err(|e| e.to_string())?;
            saved_in_tx.set(true);
        }
        Ok(())
    })
    .await;
    // The transaction phase committed (or there was none): the state records it, even
    // when a later phase failed.
    let committed = match &result {
        Ok(_) => true,
        Err(exec::ExecError::Statement { phase, .. }) => *phase > Phase::Transaction,
        Err(exec::ExecError::Connection(_, phase)) => *phase > Phase::Transaction,
    };
    if committed {
        save_state(backend, client, &next, !saved_in_tx.get()).await?;
    }
    if let Some(pb) = &bar {
        pb.finish_and_clear();
    }
    let report = result?;

    // Functions: secrets, then Edge Functions, then deletions; the state records exactly
    // what was deployed, so a partial failure is finished by the next apply.
    crate::util::crash_point("before_functions");
    if let Some(target) = &functions_target {
        let mut next = next;
        let outcome = functions_phase(target, &plan, cfg, &mut next, json).await;
        if plan.phase(Phase::Functions).next().is_some() {
            next.serial += 1;
            save_state(backend, client, &next, true).await?;
        }
        outcome?;
    }

    // Verify: read live again; everything the database holds must now match.
    crate::util::crash_point("before_verify");
    let live =
        crate::introspect::introspect(client, &engine::introspect_options(&cfg.model)).await?;
    // Under the plan's ownership: an owned object left behind that it should have dropped
    // counts too.
    let addrs = engine::remaining(
        &planned.desired,
        &planned.ownership,
        &plan.targets,
        &live.model,
    );
    if !addrs.is_empty() && args.plan_file.is_none() && args.json {
        println!(
            "{}",
            serde_json::json!({"event": "incomplete", "remaining": addrs})
        );
    }
    if !addrs.is_empty() && args.plan_file.is_none() {
        return Err(ApplyError::Incomplete(addrs).into());
    }
    if json {
        println!(
            "{}",
            serde_json::json!({"event": "applied", "steps": report.applied.len(), "elapsed_ms": report.elapsed_ms})
        );
    } else {
        println!(
            "\nApply complete! {} step(s) applied in {} ms. {}",
            report.applied.len() + plan.phase(Phase::Functions).count(),
            report.elapsed_ms,
            summary_line(&plan)
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Run the functions phase against `target`, recording what was done in `next`.
async fn functions_phase(
    target: &crate::functions::Target,
    plan: &Plan,
    cfg: &crate::config::Config,
    next: &mut crate::state::State,
    json: bool,
) -> miette::Result<()> {
    use crate::diff::Action;
    let steps: Vec<&crate::plan::Step> = plan.phase(Phase::Functions).collect();
    if steps.is_empty() {
        return Ok(());
    }
    let say = |line: String, event: serde_json::Value| {
        if json {
            println!("{event}");
        } else {
            println!("{line}");
        }
    };
    if !json {
        println!("\nPhase functions: {} step(s)", steps.len());
    }
    let of = |prefix: &str, delete: bool| -> Vec<String> {
        steps
            .iter()
            .filter(|s| (s.action == Action::Delete) == delete)
            .filter_map(|s| s.address.strip_prefix(prefix).map(str::to_string))
            .collect()
    };
    // Secrets.
    let set = of("secret.", false);
    if !set.is_empty() {
        let mut pairs = Vec::new();
        for name in &set {
            match cfg.model.secrets.get(name).and_then(|s| s.value.as_ref()) {
                Some(v) => pairs.push((name.as_str(), v)),
                None => {
                    return Err(miette::miette!(
                        code = "supaform::apply::secret_value",
                        help = "set the environment variable the secret reads and run apply again",
                        "secret {name} has no value here"
                    ))
                }
            }
        }
        target.set_secrets(&pairs).await?;
        crate::util::crash_point("functions_after_secrets");
        for name in &set {
            say(
                format!("    ~ secret.{name} set"),
                serde_json::json!({"event": "secret_set", "name": name}),
            );
        }
    }
    // Deploys.
    let slugs = of("edge_function.", false);
    let functions: Vec<crate::model::EdgeFunction> = slugs
        .iter()
        .filter_map(|s| cfg.model.edge_functions.get(s).cloned())
        .collect();
    let report = target.deploy_many(&cfg.dir, &functions, 4).await;
    for d in &report.deployed {
        let addr = format!("edge_function.{}", d.slug);
        if let Some(res) = next.resources.get_mut(&addr) {
            res.version = Some(d.version);
            res.ezbr_sha256 = d.ezbr_sha256.clone();
            res.verify_jwt = d.verify_jwt;
            if let Some(f) = cfg.model.edge_functions.get(&d.slug) {
                res.source_hash = crate::functions::source_hash(&cfg.dir, f).ok();
                res.verify_jwt = Some(f.verify_jwt);
            }
        }
        say(
            format!(
                "    + {addr} deployed (version {}, {})",
                d.version, d.status
            ),
            serde_json::json!({"event": "function_deployed", "slug": d.slug, "version": d.version, "status": d.status}),
        );
    }
    let deployed: Vec<String> = report.deployed.iter().map(|d| d.slug.clone()).collect();
    let statuses = if deployed.is_empty() {
        vec![]
    } else {
        target
            .wait_active(&deployed, Duration::from_secs(60))
            .await?
    };
    // Deletions.
    for slug in of("edge_function.", true) {
        target.delete_function(&slug).await?;
        next.resources.remove(&format!("edge_function.{slug}"));
        say(
            format!("    - edge_function.{slug} deleted"),
            serde_json::json!({"event": "function_deleted", "slug": slug}),
        );
    }
    let gone = of("secret.", true);
    if !gone.is_empty() {
        let names: Vec<&str> = gone.iter().map(String::as_str).collect();
        target.delete_secrets(&names).await?;
        for name in &gone {
            next.resources.remove(&format!("secret.{name}"));
        }
    }
    let mut problems: Vec<String> = report
        .failed
        .iter()
        .map(|(slug, e)| format!("{slug}: {e}"))
        .collect();
    problems.extend(
        statuses
            .iter()
            .filter(|(_, status)| status != "ACTIVE")
            .map(|(slug, status)| format!("{slug} is {status}, not ACTIVE")),
    );
    if problems.is_empty() {
        Ok(())
    } else {
        Err(miette::miette!(
            code = "supaform::apply::functions_failed",
            help = "the state records what was deployed; run apply again to finish the rest",
            "{} Edge Function(s) did not deploy: {}",
            problems.len(),
            problems.join("; ")
        ))
    }
}

/// The state after this apply: every desired object owned, drops and objects found gone
/// from live released. After a plan restricted by `--target` (Terraform's semantics), only
/// the desired objects its steps touched are recorded anew; the others stay as the state
/// had them (absent if it did not have them).
fn next_state(
    base: &crate::state::State,
    planned: &engine::Planned,
    cfg: &crate::config::Config,
    dropped: &BTreeSet<String>,
    plan: &Plan,
) -> crate::state::State {
    let live: BTreeSet<String> = planned
        .live
        .model
        .addresses()
        .iter()
        .map(|a| a.to_string())
        .collect();
    let desired: BTreeSet<String> = planned
        .desired
        .addresses()
        .iter()
        .map(|a| a.to_string())
        .collect();
    let mut dropped = dropped.clone();
    // Policies, triggers and grants of a dropped table go with it.
    let tables: Vec<String> = dropped
        .iter()
        .filter_map(|a| a.strip_prefix("table.").map(str::to_string))
        .filter(|t| t.matches('.').count() == 1)
        .collect();
    for a in base.owned() {
        let on_dropped = tables.iter().any(|t| {
            ["policy.", "trigger.", "grant."]
                .iter()
                .any(|k| a.starts_with(&format!("{k}{t}.")))
        });
        if on_dropped {
            dropped.insert(a.clone());
        }
    }
    for a in base.owned() {
        let api = a.starts_with("secret.") || a.starts_with("edge_function.");
        if !api && !live.contains(&a) && !desired.contains(&a) {
            dropped.insert(a);
        }
    }
    let mut next =
        crate::state::State::next(base, &planned.desired, &cfg.graph, &cfg.hash, &dropped);
    // A secret whose value is not available here is not set by this apply: it is recorded
    // only if an earlier apply set it (else `drift` would call it deleted outside).
    for (name, s) in &cfg.model.secrets {
        let addr = format!("secret.{name}");
        if s.value.is_none() && !base.resources.contains_key(&addr) {
            next.resources.remove(&addr);
        }
    }
    if !plan.targets.is_empty() {
        for a in &desired {
            let scope = std::slice::from_ref(a);
            if plan
                .steps
                .iter()
                .any(|s| engine::targeted(&s.address, scope))
            {
                continue;
            }
            match base.resources.get(a) {
                Some(old) => next.resources.insert(a.clone(), old.clone()),
                None => next.resources.remove(a),
            };
        }
    }
    next
}

/// Write the state; with the database backend, in its own transaction when `own_tx`.
async fn save_state(
    backend: &Backend,
    client: &tokio_postgres::Client,
    next: &crate::state::State,
    own_tx: bool,
) -> miette::Result<()> {
    match backend {
        Backend::File(f) => Ok(f.save(next)?),
        Backend::Database(d) => {
            if !own_tx {
                return Ok(());
            }
            client
                .batch_execute("BEGIN")
                .await
                .map_err(|e| miette::miette!("cannot write the state: {e}"))?;
            match d.save_in(client, next).await {
                Ok(()) => client
                    .batch_execute("COMMIT")
                    .await
                    .map_err(|e| miette::miette!("cannot write the state: {e}")),
                Err(e) => {
                    let _ = client.batch_execute("ROLLBACK").await;
                    Err(e.into())
                }
            }
        }
    }
}

fn read_plan(path: &PathBuf) -> Result<Plan, ApplyError> {
    let text = std::fs::read_to_string(path).map_err(|e| ApplyError::PlanFile {
        path: path.display().to_string(),
        reason: e.to_string(),
    })?;
    serde_json::from_str(&text).map_err(|e| ApplyError::PlanFile {
        path: path.display().to_string(),
        reason: format!("not a supaform plan ({e})"),
    })
}

/// A saved plan applies only to the config, state and live database it was made from.
fn check_fresh(saved: &Plan, now: &Plan) -> Result<(), ApplyError> {
    if saved.environment != now.environment {
        return Err(ApplyError::StalePlan(format!(
            "it was made for environment `{}`, not `{}`",
            saved.environment, now.environment
        )));
    }
    if saved.config_hash != now.config_hash {
        return Err(ApplyError::StalePlan(
            "the configuration changed since it was made".into(),
        ));
    }
    if saved.state_lineage != now.state_lineage || saved.state_serial != now.state_serial {
        return Err(ApplyError::StalePlan(
            "the state changed since it was made (another apply ran)".into(),
        ));
    }
    if saved.live_fingerprint != now.live_fingerprint {
        return Err(ApplyError::StalePlan(
            "the live database changed since it was made".into(),
        ));
    }
    Ok(())
}

fn confirm(env: &crate::model::Environment, dangerous: bool) -> Result<(), ApplyError> {
    if !std::io::stdin().is_terminal() {
        return Err(ApplyError::NoTerminal);
    }
    let expected = if env.protected && dangerous {
        println!(
            "\nEnvironment \"{}\" is protected and this plan has dangerous steps.\nType the environment's name to apply it:",
            env.name
        );
        env.name.clone()
    } else {
        println!(
            "\nDo you want to perform these actions on environment \"{}\"?\nOnly 'yes' will be accepted:",
            env.name
        );
        "yes".to_string()
    };
    print!("  Enter a value: ");
    let _ = std::io::stdout().flush();
    let mut line = String::new();
    let _ = std::io::stdin().lock().read_line(&mut line);
    if line.trim() == expected {
        Ok(())
    } else {
        Err(ApplyError::Cancelled)
    }
}
