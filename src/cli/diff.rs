//! `supaform diff --from A --to B`: the steps that would make database A equal database B
//! (staging against production), classified like a plan, with the findings run on B.
//!
//! A and B are environments of the configuration in `-c DIR` or connection strings
//! (`postgresql://…`). Both databases are read concurrently by the same introspector, so no
//! dev database is needed; B is the whole desired state, so an object found only in A is
//! planned as a drop.

use super::{target, Cli};
use crate::engine;
use crate::introspect::{introspect, IntrospectOptions};
use crate::report::plan::{human, sql, Style};
use miette::Diagnostic;
use std::path::Path;
use std::process::ExitCode;
use thiserror::Error;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The database to change: an environment of the configuration or a postgresql:// URL.
    #[arg(long, value_name = "ENV|URL")]
    pub from: String,
    /// The database to match: an environment of the configuration or a postgresql:// URL.
    #[arg(long, value_name = "ENV|URL")]
    pub to: String,
    /// Print the plan as JSON (schemas/plan.schema.json).
    #[arg(long, conflicts_with = "sql")]
    pub json: bool,
    /// Print the exact SQL, per phase.
    #[arg(long)]
    pub sql: bool,
    /// Exit 0 when the databases match, 2 when they differ (1 on error).
    #[arg(long)]
    pub detailed_exitcode: bool,
}

#[derive(Debug, Error, Diagnostic)]
pub enum DiffError {
    #[error("`{arg}` is not a postgresql:// URL, and there is no configuration in {dir} to name an environment")]
    #[diagnostic(
        code(supaform::diff::no_config),
        help("pass a connection string (postgresql://USER:PASSWORD@HOST:PORT/DATABASE), or -c DIR for a configuration that declares environment \"{arg}\"")
    )]
    NoConfig { arg: String, dir: String },
}

/// One side of the comparison. `url` may hold a password: print `shown`, never `url`.
struct Side {
    url: String,
    shown: String,
}

/// A connection string rather than an environment name (names never hold `=` or `://`).
fn is_connection_string(s: &str) -> bool {
    let t = s.trim();
    t.starts_with("postgres://") || t.starts_with("postgresql://") || t.contains('=')
}

/// Whether `dir` holds a configuration (`*.hcl` files).
fn has_config(dir: &Path) -> bool {
    std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .any(|e| e.path().extension().is_some_and(|x| x == "hcl") && e.path().is_file())
        })
        .unwrap_or(false)
}

async fn resolve(
    arg: &str,
    cfg: Option<&crate::config::Config>,
    dir: &Path,
) -> miette::Result<Side> {
    if is_connection_string(arg) {
        let parsed = crate::db::DbUrl::parse(arg)?;
        return Ok(Side {
            url: arg.trim().to_string(),
            shown: parsed.redacted(),
        });
    }
    let Some(cfg) = cfg else {
        return Err(DiffError::NoConfig {
            arg: arg.to_string(),
            dir: super::shown(dir),
        }
        .into());
    };
    let env = target::environment(cfg, Some(arg))?;
    let t = target::resolve(env).await?;
    Ok(Side {
        url: t.url,
        shown: t.env.name,
    })
}

pub fn run(cli: &Cli, args: &Args) -> miette::Result<ExitCode> {
    // The configuration names the environments and the schemas and roles to compare; a
    // diff of two URLs needs none (every user schema and Supabase's roles, then).
    let cfg = if has_config(&cli.config) {
        Some(super::load_config(cli)?)
    } else {
        None
    };
    // Without a configuration, every user schema of both databases is compared.
    let opts = cfg
        .as_ref()
        .map(|c| engine::introspect_options(&c.model))
        .unwrap_or_else(|| crate::introspect::IntrospectOptions {
            all_user_schemas: true,
            ..Default::default()
        });
    let rt = super::runtime()?;
    let (planned, from, to, versions) = rt.block_on(async {
        let from = resolve(&args.from, cfg.as_ref(), &cli.config).await?;
        let to = resolve(&args.to, cfg.as_ref(), &cli.config).await?;
        let (fc, tc) = tokio::join!(crate::db::connect(&from.url), crate::db::connect(&to.url));
        let (fc, tc) = (fc?, tc?);
        let (fl, tl) = tokio::join!(read(&fc, &opts), read(&tc, &opts));
        let (fl, tl) = (fl?, tl?);
        let versions = (fl.server_version_num, tl.server_version_num);
        let planned = engine::plan_between(&fc, &from.shown, fl, tl).await;
        Ok::<_, miette::Report>((planned, from, to, versions))
    })?;
    if versions.0 / 10000 != versions.1 / 10000 {
        eprintln!(
            "Warning: {} runs PostgreSQL {} but {} runs {}: expressions each version prints differently show as changes",
            from.shown,
            versions.0 / 10000,
            to.shown,
            versions.1 / 10000
        );
    }
    let mut plan = planned.plan;
    plan.compared = Some(crate::plan::Compared {
        from: from.shown.clone(),
        to: to.shown.clone(),
    });
    if args.json {
        let json = serde_json::to_string_pretty(&plan)
            .map_err(|e| miette::miette!("cannot encode the plan: {e}"))?;
        println!("{json}");
    } else if args.sql {
        print!("{}", sql(&plan));
    } else {
        eprintln!(
            "Comparing {} (--from) with {} (--to).",
            from.shown, to.shown
        );
        let style = Style {
            color: super::use_color_stdout(cli.no_color),
        };
        print!("{}", human(&plan, style));
    }
    Ok(if args.detailed_exitcode && plan.has_changes() {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}

async fn read(
    client: &tokio_postgres::Client,
    opts: &IntrospectOptions,
) -> miette::Result<crate::introspect::Live> {
    Ok(introspect(client, opts).await?)
}
