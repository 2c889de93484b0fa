//! Command-line interface: clap types, and one thin file per command wiring the modules.
//! Errors are returned, never printed here: `main` prints each one once, through miette.

mod apply;
mod backup;
mod diff;
mod drift;
mod fmt;
mod graph;
pub mod import;
mod init;
mod local;
mod plan;
mod refresh;
mod restore;
pub mod state;
pub mod target;
mod validate;

use clap::{Parser, Subcommand};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, Parser)]
#[command(
    name = "supaform",
    version,
    about = "Declarative reconciler for Supabase: plan and apply schema, RLS, grants, functions, Edge Functions and secrets",
    propagate_version = true
)]
pub struct Cli {
    /// Directory holding the *.hcl configuration.
    #[arg(
        short = 'c',
        long = "config",
        global = true,
        default_value = ".",
        value_name = "DIR",
        help_heading = "Global options"
    )]
    pub config: PathBuf,

    /// Set a variable: --var name=value (repeatable).
    #[arg(long = "var", global = true, value_name = "NAME=VALUE", value_parser = parse_var, help_heading = "Global options")]
    pub vars: Vec<(String, String)>,

    /// Read variables from an HCL file of `name = value` lines (repeatable).
    #[arg(
        long = "var-file",
        global = true,
        value_name = "FILE",
        help_heading = "Global options"
    )]
    pub var_files: Vec<PathBuf>,

    /// Never print colour (NO_COLOR is honoured too).
    #[arg(long, global = true, help_heading = "Global options")]
    pub no_color: bool,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check the configuration and report every error in it.
    Validate,
    /// Rewrite *.hcl files in the canonical layout.
    Fmt(fmt::Args),
    /// Print the dependency graph (Graphviz DOT or Mermaid).
    Graph(graph::Args),
    /// Scaffold a new supaform project.
    Init(init::Args),
    /// Manage the embedded local Postgres (start, stop, status, reset).
    Local(local::Args),
    /// Write HCL for every object of an existing database.
    Import(import::Args),
    /// Show what would change in an environment, every step classified.
    Plan(plan::Args),
    /// Apply the changes: plan (or a saved plan), confirm, run, verify.
    Apply(apply::Args),
    /// Report drift: changes made outside supaform, pending changes, unmanaged objects.
    Drift(drift::Args),
    /// Compare two databases: the steps that make --from match --to, classified.
    Diff(diff::Args),
    /// Read and edit an environment's state (list, show, rm, unprotect, pull, push).
    State(state::Args),
    /// Back up every managed table (data, DDL, manifest) into a directory.
    Backup(backup::Args),
    /// Put a backup back (checks every file against its manifest first).
    Restore(restore::Args),
}

fn parse_var(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_string(), v.to_string())),
        _ => Err(format!("expected NAME=VALUE, got `{s}`")),
    }
}

/// `--dev-url`, on the commands that normalise a configuration or rehearse a plan (plan,
/// apply, drift) and nowhere else.
#[derive(Debug, Clone, clap::Args)]
pub struct DevArgs {
    /// PostgreSQL server where configurations are normalised and plans rehearsed, in
    /// throwaway databases (default: the embedded local server). A throwaway server, never
    /// production; its user must be able to create databases.
    #[arg(
        long = "dev-url",
        value_name = "URL",
        env = "SUPAFORM_DEV_URL",
        hide_env_values = true
    )]
    pub dev_url: Option<crate::db::DbUrl>,
}

/// Where normalisation and rehearsal run: `--dev-url`, else the embedded server.
pub(crate) fn dev_options(dev: &DevArgs) -> crate::local::LocalOptions {
    crate::local::LocalOptions {
        dev_url: dev.dev_url.clone(),
        ..Default::default()
    }
}

/// Colour only on a terminal, and never with NO_COLOR or --no-color.
pub fn use_color(no_color_flag: bool) -> bool {
    !no_color_flag
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        && std::io::stderr().is_terminal()
}

/// Colour on standard output: only on a terminal, never with NO_COLOR or --no-color.
pub fn use_color_stdout(no_color_flag: bool) -> bool {
    !no_color_flag
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        && std::io::stdout().is_terminal()
}

/// The state of `env`, read from its backend (`None` before the first apply).
pub(crate) async fn load_state(
    cfg: &crate::config::Config,
    env: &crate::model::Environment,
    url: &str,
) -> miette::Result<Option<crate::state::State>> {
    match crate::state::Backend::for_environment(&cfg.dir, env)? {
        crate::state::Backend::File(f) => Ok(f.load()?),
        crate::state::Backend::Database(d) => {
            let client = crate::db::connect(url).await?;
            Ok(d.load(&client).await?)
        }
    }
}

/// What a state says supaform owns.
pub(crate) fn state_view(state: Option<&crate::state::State>) -> crate::engine::StateView {
    match state {
        Some(s) => crate::engine::StateView {
            owned: s.owned(),
            protected: s.protected(),
            declared_grants: s.declared_grants(),
            lineage: Some(s.lineage.clone()),
            serial: Some(s.serial),
            functions: s
                .resources
                .iter()
                .filter(|(a, _)| a.starts_with("edge_function."))
                .map(|(a, r)| (a.clone(), r.clone()))
                .collect(),
        },
        None => crate::engine::StateView::default(),
    }
}

/// What the command line could not be parsed into: `--help` and `--version` print and
/// exit 0; every other usage error prints clap's message and exits 1, never clap's 2,
/// which `--detailed-exitcode` and `drift` use for "changes present".
pub fn usage_error(e: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    let _ = e.print();
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => ExitCode::SUCCESS,
        _ => ExitCode::from(1),
    }
}

/// Install miette's report handler once, before anything can fail.
pub fn install_error_handler(no_color_flag: bool) {
    let color = use_color(no_color_flag);
    let _ = miette::set_hook(Box::new(move |_| {
        Box::new(
            miette::MietteHandlerOpts::new()
                .color(color)
                .unicode(color)
                .terminal_links(false)
                .width(100)
                .build(),
        )
    }));
}

/// Run one command; the exit code on success, a report on failure.
pub fn run(cli: Cli) -> miette::Result<ExitCode> {
    match &cli.command {
        Command::Validate => validate::run(&cli),
        Command::Fmt(a) => fmt::run(&cli, a),
        Command::Graph(a) => graph::run(&cli, a),
        Command::Init(a) => init::run(a),
        Command::Local(a) => local::run(a),
        Command::Import(a) => import::run(&cli, a),
        Command::Plan(a) => plan::run(&cli, a),
        Command::Apply(a) => apply::run(&cli, a),
        Command::Diff(a) => diff::run(&cli, a),
        Command::State(a) => state::run(&cli, a),
        Command::Backup(a) => backup::run(&cli, a),
        Command::Restore(a) => restore::run(&cli, a),
        Command::Drift(a) => drift::run(&cli, a),
    }
}

/// A tokio runtime for a command that talks to a database (the CLI itself is sync).
pub(crate) fn runtime() -> miette::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| {
            miette::miette!(
                code = "supaform::runtime",
                "could not start the async runtime: {e}"
            )
        })
}

/// Load the configuration named on the command line.
pub(crate) fn load_config(cli: &Cli) -> miette::Result<crate::config::Config> {
    let opts = crate::config::LoadOptions {
        vars: cli.vars.clone(),
        var_files: cli.var_files.clone(),
        ..Default::default()
    };
    crate::config::load(&cli.config, &opts).map_err(miette::Report::new)
}

/// `path` relative to the current directory when it is below it.
pub(crate) fn shown(path: &Path) -> String {
    std::env::current_dir()
        .ok()
        .and_then(|c| path.strip_prefix(c).ok().map(|p| p.display().to_string()))
        .unwrap_or_else(|| path.display().to_string())
}
