use super::Cli;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Do not write files; exit 3 when any file is not formatted.
    #[arg(long)]
    pub check: bool,
    /// Print the changes as a unified diff.
    #[arg(long)]
    pub diff: bool,
}

pub fn run(_cli: &Cli, _args: &Args) -> miette::Result<ExitCode> {
    Err(miette::miette!("fmt: not wired yet"))
}
