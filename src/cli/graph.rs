use super::{load_config, Cli};
use clap::ValueEnum;
use std::process::ExitCode;

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Format {
    Dot,
    Mermaid,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Output format.
    #[arg(long, value_enum, default_value = "dot")]
    pub format: Format,
}

pub fn run(cli: &Cli, args: &Args) -> miette::Result<ExitCode> {
    let config = load_config(cli)?;
    let out = match args.format {
        Format::Dot => crate::report::graph::dot(&config.graph),
        Format::Mermaid => crate::report::graph::mermaid(&config.graph),
    };
    print!("{out}");
    Ok(ExitCode::SUCCESS)
}
