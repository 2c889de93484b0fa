//! `supaform local start|stop|status|reset`: the embedded Supabase-like Postgres.

use crate::local::{self, Instance, LocalOptions, LOCAL_DATABASE};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Cache directory holding the cluster (default: $SUPAFORM_CACHE_DIR, else
    /// $XDG_CACHE_HOME/supaform, else ~/.cache/supaform).
    #[arg(long, value_name = "DIR", global = true)]
    pub cache_dir: Option<PathBuf>,

    #[command(subcommand)]
    pub action: Action,
}

#[derive(Debug, clap::Subcommand)]
pub enum Action {
    /// Start the local database (initialise it on first use); a running one is reused.
    Start,
    /// Stop the local database.
    Stop,
    /// Show whether the local database runs, and where (exit code 3 when it does not).
    Status,
    /// Drop the local database and create it again, empty but bootstrapped.
    Reset,
}

pub fn run(args: &Args) -> miette::Result<ExitCode> {
    let opts = LocalOptions {
        cache_dir: args.cache_dir.clone(),
        ..Default::default()
    };
    let rt = super::runtime()?;
    match args.action {
        Action::Start => {
            let inst = rt.block_on(local::start(&opts))?;
            let what = if inst.reused {
                "already running"
            } else {
                "started"
            };
            print_instance(what, &inst);
            Ok(ExitCode::SUCCESS)
        }
        Action::Stop => {
            let cache = local::resolve_cache_dir(&opts)?;
            if rt.block_on(local::stop(&opts))? {
                println!("local database stopped (cache {})", cache.display());
            } else {
                println!("local database was not running (cache {})", cache.display());
            }
            Ok(ExitCode::SUCCESS)
        }
        Action::Status => match rt.block_on(local::status(&opts))? {
            Some(inst) => {
                print_instance("running", &inst);
                Ok(ExitCode::SUCCESS)
            }
            None => {
                let cache = local::resolve_cache_dir(&opts)?;
                println!("local database: not running (cache {})", cache.display());
                Ok(ExitCode::from(3))
            }
        },
        Action::Reset => {
            let inst = rt.block_on(local::reset(&opts))?;
            print_instance(&format!("reset ({LOCAL_DATABASE} recreated)"), &inst);
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn print_instance(what: &str, inst: &Instance) {
    println!("local database {what}");
    println!("  url       {}", inst.url(LOCAL_DATABASE));
    println!(
        "  server    PostgreSQL {} on 127.0.0.1:{} (pid {})",
        inst.major_version, inst.port, inst.pid
    );
    println!("  data dir  {}", inst.data_dir.display());
    println!("  socket    {}", inst.socket_dir.display());
    println!("  log       {}", inst.log_file.display());
}
