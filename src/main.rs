use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = supaform::cli::Cli::parse();
    supaform::cli::install_error_handler(cli.no_color);
    match supaform::cli::run(cli) {
        Ok(code) => code,
        Err(report) => {
            eprintln!("{report:?}");
            ExitCode::from(1)
        }
    }
}
