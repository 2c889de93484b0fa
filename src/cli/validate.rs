use super::{load_config, Cli};
use std::process::ExitCode;

pub fn run(cli: &Cli) -> miette::Result<ExitCode> {
    let config = load_config(cli)?;
    let m = &config.model;
    println!(
        "Success! The configuration is valid: {} tables, {} policies, {} functions, {} Edge Functions in {} files.",
        m.tables.len(),
        m.policies.len(),
        m.functions.len(),
        m.edge_functions.len(),
        config.sources.files.len()
    );
    Ok(ExitCode::SUCCESS)
}
