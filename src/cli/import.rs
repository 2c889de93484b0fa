//! `supaform import`: introspect a database and write its objects as HCL.

use super::Cli;
use crate::config::write::write_model;
use crate::db::DbUrl;
use crate::introspect::{introspect, IntrospectOptions, Live};
use crate::model::{Grant, GrantKey, GrantTarget, Model};
use miette::Diagnostic;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use thiserror::Error;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Environment to import from (default `local`, the embedded Postgres).
    #[arg(
        short = 'e',
        long = "env",
        value_name = "ENV",
        conflicts_with = "database_url"
    )]
    pub env: Option<String>,

    /// Database to import from, as a libpq URL (instead of --env).
    #[arg(
        long,
        value_name = "URL",
        env = "SUPAFORM_DATABASE_URL",
        hide_env_values = true
    )]
    pub database_url: Option<String>,

    /// Directory to write the *.hcl files to (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,

    /// Schemas to import (repeatable; default: the project's schemas, else every schema
    /// that is not Supabase's or an extension's).
    #[arg(long = "schema", value_name = "SCHEMA")]
    pub schemas: Vec<String>,

    /// Overwrite *.hcl files already in the output directory.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Error, Diagnostic)]
pub enum ImportError {
    #[error("there is no configuration in {dir} to find environment `{env}` in")]
    #[diagnostic(
        code(supaform::import::no_config),
        help("pass -c DIR (the directory of your *.hcl files), or --database-url URL")
    )]
    NoConfig { env: String, dir: String },

    #[error("{} already holds *.hcl files: {}", dir, files.join(", "))]
    #[diagnostic(
        code(supaform::import::would_overwrite),
        help("import into an empty directory, or pass --force to overwrite them")
    )]
    WouldOverwrite { dir: String, files: Vec<String> },

    #[error("cannot write {path}: {reason}")]
    #[diagnostic(code(supaform::import::write))]
    Write { path: String, reason: String },
}

pub fn run(cli: &Cli, args: &Args) -> miette::Result<ExitCode> {
    check_out_dir(&args.out, args.force)?;
    let rt = super::runtime()?;
    let (live, shown_url) = rt.block_on(async {
        let (url, mut opts) = source(cli, args).await?;
        if !args.schemas.is_empty() {
            opts.schemas = args.schemas.clone();
            opts.all_user_schemas = false;
        }
        let client = crate::db::connect_url(&url).await?;
        let live = introspect(&client, &opts).await?;
        Ok::<(Live, String), miette::Report>((live, url.redacted()))
    })?;
    let model = import_model(&live);
    let files = write_model(&model);
    write_files(&args.out, &files)?;

    let m = &model;
    println!(
        "Imported {} tables, {} enums, {} policies, {} functions, {} triggers, {} views from {}",
        m.tables.len(),
        m.enums.len(),
        m.policies.len(),
        m.functions.len(),
        m.triggers.len(),
        m.views.len(),
        shown_url
    );
    println!(
        "Wrote {} files to {}:",
        files.len(),
        super::shown(&args.out)
    );
    for (name, _) in &files {
        println!("  {name}");
    }
    for (table, index) in &live.invalid_indexes {
        println!("warning: index {index} on {table} is invalid (a failed concurrent build?); not imported");
    }
    if !live.unmanaged.is_empty() {
        println!("Not imported ({}):", live.unmanaged.len());
        for u in &live.unmanaged {
            println!("  {} {}: {}", u.kind, u.name, u.reason);
        }
    }
    // Check what was written, so a problem shows here rather than at the next plan.
    crate::config::load(&args.out, &crate::config::LoadOptions::default())
        .map_err(miette::Report::new)?;
    println!("The imported configuration is valid.");
    Ok(ExitCode::SUCCESS)
}

/// The model as written by import: extension versions are not pinned (a Supabase project
/// upgrades them itself), and environments are left to the user.
pub fn import_model(live: &Live) -> Model {
    let mut m = live.model.clone();
    for b in m.buckets.values_mut() {
        *b = b.declared();
    }
    m.extensions
        .retain(|_, e| !crate::model::is_platform_extension(&e.name, &e.schema));
    // Membership of Realtime's publication is declared where it holds; elsewhere the
    // configuration says nothing (a later `realtime = true` by hand is then left alone).
    for t in m.tables.values_mut() {
        if t.realtime == Some(false) {
            t.realtime = None;
        }
    }
    for e in m.extensions.values_mut() {
        e.version = None;
    }
    m.environments.clear();
    // Grants on objects that are not imported (a standalone sequence, a materialized
    // view) cannot be declared.
    let exists = |t: &GrantTarget| match t {
        GrantTarget::Table(q) => m.tables.contains_key(q) || m.views.contains_key(q),
        GrantTarget::Function(q) => m.functions.contains_key(q),
        GrantTarget::Schema(s) => m.project.schemas.contains(s) || m.schemas.contains_key(s),
        GrantTarget::Sequence(q) => m.tables.values().any(|t| {
            t.columns.iter().any(|c| {
                c.default
                    .as_ref()
                    .is_some_and(|d| d.to_sql().contains(&q.name))
                    || ((c.identity.is_some()
                        || matches!(c.data_type.as_str(), "serial" | "bigserial" | "smallserial"))
                        && q.schema == t.name.schema
                        && q.name == format!("{}_{}_seq", t.name.name, c.name))
            })
        }),
    };
    let live_grants: Vec<Grant> = m
        .grants
        .iter()
        .filter(|g| exists(&g.target))
        .cloned()
        .collect();
    // Only what differs from what the database gives a new object is declared: for each
    // object and role, the privileges held when they are not the default ones (an empty
    // list when a default privilege was revoked).
    let base = Model {
        default_privileges: m.default_privileges.clone(),
        ..Default::default()
    };
    let mut implied = crate::engine::implied_grants(&base, &m, "postgres");
    // The public schema exists on every Supabase project, usable by the API roles (and by
    // PUBLIC, as Postgres makes it): only a difference from that is declared — a revoked
    // USAGE as an empty grant, so a project applied from the import revokes it too.
    if m.project.schemas.iter().any(|s| s == "public") {
        for role in [
            "postgres",
            "anon",
            "authenticated",
            "service_role",
            "public",
        ] {
            implied.push(Grant {
                target: GrantTarget::Schema("public".into()),
                role: role.into(),
                privileges: vec!["USAGE".into()],
                columns: vec![],
                grantable: vec![],
            });
        }
    }
    let have = crate::model::grant_options_by_key(&live_grants);
    let default = crate::model::grant_options_by_key(&implied);
    let mut keys: BTreeSet<&GrantKey> = have.keys().collect();
    keys.extend(default.keys());
    let empty = BTreeSet::new();
    m.grants = keys
        .into_iter()
        .filter(|k| have.get(*k).unwrap_or(&empty) != default.get(*k).unwrap_or(&empty))
        .map(|k| Grant::from_set(k, have.get(k).unwrap_or(&empty), false))
        .collect();
    declare_default_privileges(&mut m);
    m
}

/// Default privileges are declared where they differ from what a new Supabase project
/// has: the built-in ones of `postgres` in every schema (PUBLIC may execute new functions
/// and use new types) are not written, and one revoked there, or one of Supabase's grants
/// to the API roles in `public` revoked, is written as an empty block — otherwise a
/// project applied from the import would get them back.
fn declare_default_privileges(m: &mut Model) {
    use crate::model::{DefaultPrivilege, DefaultPrivilegeOn as On};
    let builtin = [(On::Functions, "EXECUTE"), (On::Types, "USAGE")];
    let has = |m: &Model, schema: Option<&str>, on: On, role: &str| {
        m.default_privileges.iter().any(|d| {
            d.owner == "postgres" && d.schema.as_deref() == schema && d.on == on && d.role == role
        })
    };
    let mut revoked: Vec<(Option<&str>, On, &str)> = vec![];
    for (on, _) in builtin {
        if !has(m, None, on, "public") {
            revoked.push((None, on, "public"));
        }
    }
    m.default_privileges.retain(|d| {
        !(d.owner == "postgres"
            && d.schema.is_none()
            && d.role == "public"
            && builtin
                .iter()
                .any(|(on, p)| d.on == *on && d.privileges == [p.to_string()]))
    });

    if m.project.schemas.iter().any(|s| s == "public") {
        for on in [On::Tables, On::Sequences, On::Functions] {
            for role in ["anon", "authenticated", "service_role"] {
                if !has(m, Some("public"), on, role) {
                    revoked.push((Some("public"), on, role));
                }
            }
        }
    }
    for (schema, on, role) in revoked {
        m.default_privileges.push(DefaultPrivilege {
            owner: "postgres".into(),
            schema: schema.map(str::to_string),
            on,
            role: role.into(),
            privileges: vec![],
        });
    }
}

/// The database to read and the schemas to read from it: `--database-url`, or the
/// environment `-e ENV` (default `local`, the embedded Postgres) of the configuration.
async fn source(cli: &Cli, args: &Args) -> miette::Result<(DbUrl, IntrospectOptions)> {
    // The project's schemas and roles, when a configuration is at hand.
    let have_config = crate::config::config_files(&cli.config).is_ok_and(|f| !f.is_empty());
    let config = if have_config {
        Some(super::load_config(cli)?)
    } else {
        None
    };
    let mut opts = IntrospectOptions {
        all_user_schemas: true,
        ..Default::default()
    };
    if let Some(c) = &config {
        opts = crate::engine::introspect_options(&c.model);
    }
    if let Some(u) = &args.database_url {
        return Ok((DbUrl::parse(u)?, opts));
    }
    let env = match &config {
        Some(c) => super::target::environment(c, args.env.as_deref())?,
        None => {
            let name = args.env.as_deref().unwrap_or(super::target::DEFAULT_ENV);
            if name != super::target::DEFAULT_ENV {
                return Err(ImportError::NoConfig {
                    env: name.to_string(),
                    dir: super::shown(&cli.config),
                }
                .into());
            }
            let cfg = crate::config::load_str(
                &cli.config,
                &[("local.hcl", "environment \"local\" {}\n")],
                &crate::config::LoadOptions::default(),
            )
            .map_err(miette::Report::new)?;
            super::target::environment(&cfg, None)?
        }
    };
    let target = super::target::resolve(env).await?;
    Ok((DbUrl::parse(&target.url)?, opts))
}

fn check_out_dir(dir: &Path, force: bool) -> Result<(), ImportError> {
    if force || !dir.exists() {
        return Ok(());
    }
    let existing: Vec<String> = crate::config::config_files(dir)
        .unwrap_or_default()
        .iter()
        .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().to_string()))
        .collect();
    if existing.is_empty() {
        return Ok(());
    }
    Err(ImportError::WouldOverwrite {
        dir: super::shown(dir),
        files: existing,
    })
}

fn write_files(dir: &Path, files: &[(String, String)]) -> Result<(), ImportError> {
    let err = |p: &Path, e: std::io::Error| ImportError::Write {
        path: p.display().to_string(),
        reason: e.to_string(),
    };
    std::fs::create_dir_all(dir).map_err(|e| err(dir, e))?;
    for (name, text) in files {
        let path = dir.join(name);
        let tmp = dir.join(format!(".{name}.tmp"));
        std::fs::write(&tmp, text).map_err(|e| err(&tmp, e))?;
        std::fs::rename(&tmp, &path).map_err(|e| err(&path, e))?;
    }
    Ok(())
}
