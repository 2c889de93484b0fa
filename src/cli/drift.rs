//! `supaform drift`: what changed outside supaform, what the configuration would still
//! change, and what nobody manages, for one environment.

use super::{target, Cli};
use crate::engine;
use crate::report::drift::{human, markdown, Style};
use std::process::ExitCode;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
    Markdown,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Environment to inspect (default: local, the embedded Postgres).
    #[arg(short = 'e', long = "env", value_name = "ENV")]
    pub env: Option<String>,
    #[command(flatten)]
    pub dev: super::DevArgs,
    /// Output format (json: schemas/drift.schema.json; markdown: for a PR comment or issue).
    #[arg(long, value_enum, default_value = "human")]
    pub format: Format,
    /// The report as JSON, as elsewhere (the same as `--format json`).
    #[arg(long, conflicts_with = "format")]
    pub json: bool,
}

/// Exit 0 when there is no drift, 2 when there is, 1 on error.
pub fn run(cli: &Cli, args: &Args) -> miette::Result<ExitCode> {
    let cfg = super::load_config(cli)?;
    let env = target::environment(&cfg, args.env.as_deref())?;
    let rt = super::runtime()?;
    let report = rt.block_on(async {
        let t = target::resolve(env.clone()).await?;
        let state = super::load_state(&cfg, &env, &t.url).await?;
        let view = super::state_view(state.as_ref());
        let local = super::dev_options(&args.dev);
        let mut planned = engine::plan_config(&cfg, &env.name, &t.url, &view, &local).await?;
        engine::plan_functions(&mut planned, &cfg, &env, &view).await?;
        let remote = crate::drift::remote_view(&cfg, &env, state.as_ref()).await?;
        Ok::<_, miette::Report>(crate::drift::report(
            &env.name,
            state.as_ref(),
            &planned.live.model,
            remote.as_ref(),
            &planned.plan,
        ))
    })?;
    let format = if args.json { Format::Json } else { args.format };
    match format {
        Format::Json => {
            let json = serde_json::to_string_pretty(&report)
                .map_err(|e| miette::miette!("cannot encode the drift report: {e}"))?;
            println!("{json}");
        }
        Format::Markdown => print!("{}", markdown(&report)),
        Format::Human => print!(
            "{}",
            human(
                &report,
                Style {
                    color: super::use_color_stdout(cli.no_color),
                }
            )
        ),
    }
    Ok(if report.is_clean() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    })
}
