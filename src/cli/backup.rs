//! `supaform backup [-e ENV] [--out DIR]`: back up every managed table, plus a
//! `pg_dump --schema-only` of the project's schemas when a recent enough pg_dump exists.

use super::{load_config, runtime, shown, target, Cli};
use crate::apply::backup::{self, table_name};
use crate::introspect::introspect;
use crate::plan::BackupSpec;
use miette::Diagnostic;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use thiserror::Error;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Environment to back up (declared in the configuration; `local` is the embedded
    /// Postgres).
    #[arg(short = 'e', long = "env", value_name = "ENV")]
    pub env: Option<String>,

    /// Directory to write the backup to (default: <config>/backups/<env>/<UTC timestamp>).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Error, Diagnostic)]
pub enum BackupCliError {
    #[error("{0} already exists")]
    #[diagnostic(
        code(supaform::backup::out_exists),
        help("write each backup into a new directory: pass another --out, or leave it out for a timestamped one")
    )]
    OutExists(String),
}

pub fn run(cli: &Cli, args: &Args) -> miette::Result<ExitCode> {
    let config = load_config(cli)?;
    let env = target::environment(&config, args.env.as_deref())?;
    let env_name = env.name.clone();
    let opts = crate::engine::introspect_options(&config.model);
    let dir = match &args.out {
        Some(d) => {
            if d.join(backup::MANIFEST_FILE).exists() || non_empty_dir(d) {
                return Err(BackupCliError::OutExists(shown(d)).into());
            }
            d.clone()
        }
        None => fresh_default(&cli.config, &env_name),
    };
    let rt = runtime()?;
    rt.block_on(async {
        let target = target::resolve(env).await?;
        let client = crate::db::connect(&target.url).await?;
        let live = introspect(&client, &opts).await?;
        let specs: Vec<BackupSpec> = live
            .model
            .tables
            .keys()
            .map(|q| BackupSpec {
                table: table_name(q),
                columns: None,
            })
            .collect();
        println!(
            "Backing up {} tables of environment `{}` ({}) into {}",
            specs.len(),
            env_name,
            target.redacted,
            shown(&dir)
        );
        report_leftovers(&cli.config, &env_name);
        let started = std::time::Instant::now();
        let m = backup::take(&client, &specs, &dir, &env_name, "supaform backup").await?;
        // Into the complete backup: the schema dump is a convenience the manifest does not
        // cover, and a failure to take it leaves the backup whole.
        let server_major = (live.server_version_num / 10_000) as u32;
        match schema_dump(&target.url, &opts.schemas, server_major, &dir).await {
            Ok(note) => println!("{note}"),
            Err(note) => println!("note: {note}"),
        }
        let width = m.entries.iter().map(|e| e.table.len()).max().unwrap_or(0);
        let (mut rows, mut bytes) = (0u64, 0u64);
        for e in &m.entries {
            println!(
                "  {:width$}  {:>12} rows  {:>10}",
                e.table,
                e.rows,
                human_bytes(e.bytes)
            );
            rows += e.rows;
            bytes += e.bytes;
        }
        println!(
            "Backup complete: {} tables, {} rows, {} in {:.1}s: {}",
            m.entries.len(),
            rows,
            human_bytes(bytes),
            started.elapsed().as_secs_f64(),
            shown(&dir.join(backup::MANIFEST_FILE))
        );
        println!(
            "Restore with: supaform restore {} -e {}",
            shown(&dir),
            env_name
        );
        Ok::<(), miette::Report>(())
    })?;
    Ok(ExitCode::SUCCESS)
}

fn non_empty_dir(d: &Path) -> bool {
    std::fs::read_dir(d).is_ok_and(|mut r| r.next().is_some())
}

/// Remove the incomplete backups interrupted runs left under `backups/<env>/`, saying so
/// on standard error (standard output may be a JSON stream).
pub(crate) fn report_leftovers(config_dir: &Path, env: &str) {
    let base = backup::default_dir(config_dir, env);
    let Some(parent) = base.parent() else {
        return;
    };
    for d in crate::apply::staging::remove_leftovers(parent) {
        eprintln!(
            "Removed an incomplete backup left by an interrupted run: {}",
            shown(&d)
        );
    }
}

/// The default directory, with a suffix when a backup of the same second exists (or is
/// being written).
pub(crate) fn fresh_default(config_dir: &Path, env: &str) -> PathBuf {
    let base = backup::default_dir(config_dir, env);
    let mut dir = base.clone();
    let mut n = 1;
    while dir.exists() || crate::apply::staging::partial_dir(&dir).exists() {
        n += 1;
        let mut name = base.file_name().unwrap_or_default().to_os_string();
        name.push(format!("-{n}"));
        dir = base.with_file_name(name);
    }
    dir
}

pub(crate) fn human_bytes(b: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = b as f64;
    let mut u = 0;
    while v >= 1024.0 && u + 1 < UNITS.len() {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 {
        format!("{b} B")
    } else {
        format!("{v:.1} {}", UNITS[u])
    }
}

/// `pg_dump --schema-only` of `schemas` into `dir/schema.sql`, with the first installed
/// pg_dump whose major version is at least the server's (an older one refuses to dump a
/// newer server). The connection goes through PG* environment variables, so the password
/// never appears on a command line. `Err` is a note saying why it was skipped.
async fn schema_dump(
    url: &str,
    schemas: &[String],
    server_major: u32,
    dir: &Path,
) -> Result<String, String> {
    let found = crate::local::binaries::candidates(&crate::local::binaries::SearchPaths::system());
    let mut pg_dump = None;
    for b in &found {
        let p = b.bin_dir.join("pg_dump");
        if !p.is_file() {
            continue;
        }
        let Ok(out) = std::process::Command::new(&p).arg("--version").output() else {
            continue;
        };
        let text = String::from_utf8_lossy(&out.stdout);
        if let Some((version, major)) = crate::local::binaries::parse_version(&text) {
            if major >= server_major {
                pg_dump = Some((p, version));
                break;
            }
        }
    }
    let Some((pg_dump, version)) = pg_dump else {
        return Err(format!(
            "no pg_dump of PostgreSQL {server_major} or newer found; schema.sql skipped (the tables' DDL is in the backup)"
        ));
    };
    let parsed = crate::db::DbUrl::parse(url).map_err(|e| e.to_string())?;
    let cfg = parsed.pg_config();
    let out_file = dir.join("schema.sql");
    let mut cmd = tokio::process::Command::new(&pg_dump);
    cmd.arg("--schema-only")
        .arg("--lock-wait-timeout=30000")
        .arg("--file")
        .arg(&out_file);
    for s in schemas {
        // Quoted: pg_dump reads -n as a pattern, and a quoted name matches literally.
        cmd.arg("--schema").arg(crate::quote::ident(s));
    }
    for (k, _) in std::env::vars_os() {
        if k.to_string_lossy().starts_with("PG") {
            cmd.env_remove(k);
        }
    }
    cmd.env("PGHOST", &parsed.host)
        .env("PGPORT", parsed.port().to_string())
        .env("PGSSLMODE", parsed.sslmode.as_str())
        .env("PGAPPNAME", "supaform");
    if let Some(u) = &parsed.user {
        cmd.env("PGUSER", u);
    }
    if let Some(d) = &parsed.dbname {
        cmd.env("PGDATABASE", d);
    }
    if let Some(c) = &parsed.sslrootcert {
        cmd.env("PGSSLROOTCERT", c);
    }
    if let Some(p) = cfg.get_password() {
        cmd.env("PGPASSWORD", String::from_utf8_lossy(p).into_owned());
    }
    cmd.stdin(std::process::Stdio::null());
    let out = cmd
        .output()
        .await
        .map_err(|e| format!("running {}: {e}; schema.sql skipped", pg_dump.display()))?;
    if !out.status.success() {
        let _ = std::fs::remove_file(&out_file);
        let err = String::from_utf8_lossy(&out.stderr);
        return Err(format!(
            "pg_dump failed, schema.sql skipped: {}",
            crate::db::redact_unparsed(err.trim())
        ));
    }
    Ok(format!(
        "schema: pg_dump {version} --schema-only → {}",
        shown(&out_file)
    ))
}
