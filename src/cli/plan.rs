//! `supaform plan`: what would change in one environment, every step classified.

use super::{target, Cli};
use crate::engine;
use crate::report::plan::{human, sql, Style};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Environment to plan for (default: local, the embedded Postgres).
    #[arg(short = 'e', long = "env", value_name = "ENV")]
    pub env: Option<String>,
    #[command(flatten)]
    pub dev: super::DevArgs,
    /// Print the plan as JSON (schemas/plan.schema.json).
    #[arg(long, conflicts_with = "sql")]
    pub json: bool,
    /// Print the exact SQL, per phase.
    #[arg(long)]
    pub sql: bool,
    /// Save the plan to FILE, for `supaform apply FILE`.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Exit 0 when there are no changes, 2 when there are (1 on error).
    #[arg(long)]
    pub detailed_exitcode: bool,
    /// Plan only this address (and what it depends on); repeatable.
    #[arg(long = "target", value_name = "ADDR")]
    pub targets: Vec<String>,
    /// Skip the rehearsal (running the plan on a scratch copy of the live schema first).
    #[arg(long)]
    pub no_rehearse: bool,
}

pub fn run(cli: &Cli, args: &Args) -> miette::Result<ExitCode> {
    let cfg = super::load_config(cli)?;
    let env = target::environment(&cfg, args.env.as_deref())?;
    let rt = super::runtime()?;
    let rehearse = !args.no_rehearse;
    let (planned, rehearsal, outside) = rt.block_on(async {
        let t = target::resolve(env.clone()).await?;
        let state_doc = super::load_state(&cfg, &env, &t.url).await?;
        let state = super::state_view(state_doc.as_ref());
        let local = super::dev_options(&args.dev);
        let (mut planned, baseline) =
            engine::plan_config_prepared(&cfg, &env.name, &t.url, &state, &local, rehearse).await?;
        if let Err(e) = engine::plan_functions(&mut planned, &cfg, &env, &state).await {
            if let Some(b) = baseline {
                b.discard().await;
            }
            return Err(e);
        }
        // With --target, the plan rehearsed (and saved) is the restricted one.
        engine::restrict(&mut planned.plan, &args.targets);
        let rehearsal = if rehearse && planned.plan.has_changes() {
            Some(engine::rehearse_with(baseline, &planned, &local).await?)
        } else {
            if let Some(b) = baseline {
                b.discard().await;
            }
            None
        };
        // What changed outside supaform since the last apply, shown before the steps.
        let outside = match &state_doc {
            Some(s) if !args.json && !args.sql => {
                let remote = crate::drift::remote_view(&cfg, &env, Some(s)).await?;
                crate::drift::out_of_band(s, &planned.live.model, remote.as_ref())
            }
            _ => vec![],
        };
        Ok::<_, miette::Report>((planned, rehearsal, outside))
    })?;
    let plan = planned.plan;
    if let Some(w) = &planned.version_warning {
        eprintln!("Warning: {w}");
    }
    if let Some(path) = &args.out {
        let json = serde_json::to_string_pretty(&plan)
            .map_err(|e| miette::miette!("cannot encode the plan: {e}"))?;
        crate::util::write_atomic(path, json.as_bytes())
            .map_err(|e| miette::miette!("cannot write {}: {e}", path.display()))?;
    }
    if args.json {
        let json = serde_json::to_string_pretty(&plan)
            .map_err(|e| miette::miette!("cannot encode the plan: {e}"))?;
        println!("{json}");
    } else if args.sql {
        print!("{}", sql(&plan));
    } else {
        let style = Style {
            color: super::use_color_stdout(cli.no_color),
        };
        print!("{}", crate::report::drift::outside_changes(&outside, style));
        print!("{}", human(&plan, style));
        if let Some(r) = &rehearsal {
            println!("{}", r.message(&plan.targets));
        }
        if let Some(path) = &args.out {
            println!(
                "\nSaved the plan to {}. Apply exactly these steps with:\n  supaform apply {}",
                super::shown(path),
                super::shown(path)
            );
        }
    }
    Ok(if args.detailed_exitcode && plan.has_changes() {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}
