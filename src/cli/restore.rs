//! `supaform restore DIR [-e ENV] [--table T] [--auto-approve]`: put a backup back.

use super::backup::human_bytes;
use super::{load_config, runtime, shown, target, Cli};
use crate::apply::backup;
use miette::Diagnostic;
use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use thiserror::Error;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The backup directory (the one holding manifest.json).
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,

    /// Environment to restore into (declared in the configuration; `local` is the
    /// embedded Postgres).
    #[arg(short = 'e', long = "env", value_name = "ENV")]
    pub env: Option<String>,

    /// Restore only this table (schema.table; a bare name means public.NAME).
    #[arg(long, value_name = "TABLE")]
    pub table: Option<String>,

    /// Do not ask for confirmation (required without a terminal; `--yes`, `-y` too).
    #[arg(long = "auto-approve", short = 'y', alias = "yes")]
    pub yes: bool,
}

#[derive(Debug, Error, Diagnostic)]
pub enum RestoreCliError {
    #[error("restore needs confirmation, and there is no terminal to ask on")]
    #[diagnostic(
        code(supaform::restore::needs_yes),
        help("pass --auto-approve (or --yes) to restore without asking")
    )]
    NeedsYes,

    #[error("restore cancelled: nothing was changed")]
    #[diagnostic(code(supaform::restore::cancelled))]
    Cancelled,
}

pub fn run(cli: &Cli, args: &Args) -> miette::Result<ExitCode> {
    let manifest = backup::read_manifest(&args.dir)?;
    let config = load_config(cli)?;
    let env = target::environment(&config, args.env.as_deref())?;
    let env_name = env.name.clone();
    let terminal = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    if !args.yes && !terminal {
        return Err(RestoreCliError::NeedsYes.into());
    }
    let rt = runtime()?;
    rt.block_on(async {
        let target = target::resolve(env).await?;
        let chosen: Vec<&backup::Entry> = manifest
            .entries
            .iter()
            .filter(|e| {
                args.table.as_deref().is_none_or(|t| {
                    e.table == t
                        || backup::parse_table(&e.table)
                            == backup::parse_table(t)
                                .or_else(|| Some(crate::model::QName::new("public", t)))
                })
            })
            .collect();
        println!(
            "Backup {} of environment `{}`, taken {} ({})",
            shown(&args.dir),
            manifest.environment,
            manifest.created_at,
            manifest.reason
        );
        for e in &chosen {
            let what = match &e.columns {
                None => "table".to_string(),
                Some(c) => format!("columns {}", c.join(", ")),
            };
            println!(
                "  {}  {what}  {} rows  {}",
                e.table,
                e.rows,
                human_bytes(e.bytes)
            );
        }
        if !args.yes {
            let mut err = std::io::stderr();
            if manifest.environment != env_name {
                let _ = writeln!(
                    err,
                    "note: this backup was taken from `{}`, not `{env_name}`",
                    manifest.environment
                );
            }
            let _ = write!(
                err,
                "Restore into environment `{env_name}` ({})? Only `yes` is accepted: ",
                target.redacted
            );
            let _ = err.flush();
            let mut answer = String::new();
            let _ = std::io::stdin().lock().read_line(&mut answer);
            if answer.trim() != "yes" {
                return Err(RestoreCliError::Cancelled.into());
            }
        }
        let client = crate::db::connect(&target.url).await?;
        let report = backup::restore(&client, &args.dir, args.table.as_deref()).await?;
        for r in &report.tables {
            match &r.columns {
                None => println!(
                    "  {}: {} rows restored{}",
                    r.table,
                    r.rows,
                    if r.recreated {
                        " (table recreated)"
                    } else {
                        ""
                    }
                ),
                Some(c) => println!(
                    "  {} ({}): {} rows updated{}{}",
                    r.table,
                    c.join(", "),
                    r.rows,
                    if r.recreated {
                        " (column re-added)"
                    } else {
                        ""
                    },
                    if r.unmatched > 0 {
                        format!("; {} backed-up rows match no row any more", r.unmatched)
                    } else {
                        String::new()
                    }
                ),
            }
            for w in &r.warnings {
                println!("    warning: not recreated: {w}");
            }
        }
        println!(
            "Restore complete: {} of {} entries into `{env_name}`.",
            report.tables.len(),
            manifest.entries.len()
        );
        Ok::<(), miette::Report>(())
    })?;
    Ok(ExitCode::SUCCESS)
}
