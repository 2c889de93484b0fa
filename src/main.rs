use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match supaform::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return supaform::cli::usage_error(e),
    };
    supaform::cli::install_error_handler(cli.no_color);
    match supaform::cli::run(cli) {
        Ok(code) => code,
        Err(report) => {
            eprintln!("{report:?}");
            ExitCode::from(1)
        }
    }
}
