//! The dev server: where a configuration is normalised and a plan rehearsed (DESIGN.md §2).
//! The embedded local server unless `--dev-url` (or `SUPAFORM_DEV_URL`) names another
//! PostgreSQL server — the same major version as production, say, when the machine's
//! binaries are older.
//!
//! On a server of the user's, supaform keeps a bootstrapped template database of its own
//! ([`DEV_TEMPLATE_DATABASE`], rebuilt when the bootstrap SQL changes, under an advisory
//! lock) and clones each throwaway database from it. The API roles are created when
//! missing and otherwise left alone; the connection's user must be able to create
//! databases, and roles where they are missing. Nothing else on that server is touched.

use super::{bootstrap, Instance, LocalError, LocalOptions};
use crate::db::DbUrl;
use crate::quote;
use std::path::{Path, PathBuf};

/// The template of throwaway databases on a dev server given by `--dev-url` (a name apart
/// from the embedded server's, so the two never share one by accident).
pub const DEV_TEMPLATE_DATABASE: &str = "supaform_dev_template";

/// Where throwaway databases are made.
pub enum DevServer {
    Local(Instance),
    Remote(RemoteDev),
}

/// A dev server of the user's, bootstrapped.
pub struct RemoteDev {
    url: DbUrl,
    major_version: u32,
    cache_dir: PathBuf,
}

impl DevServer {
    pub fn major_version(&self) -> u32 {
        match self {
            DevServer::Local(i) => i.major_version,
            DevServer::Remote(r) => r.major_version,
        }
    }

    /// supaform's cache directory (the normalisation cache lives there).
    pub fn cache_dir(&self) -> &Path {
        match self {
            DevServer::Local(i) => &i.cache_dir,
            DevServer::Remote(r) => &r.cache_dir,
        }
    }

    /// What tells this server apart in cache keys (never the password).
    pub fn identity(&self) -> String {
        match self {
            DevServer::Local(_) => "local".into(),
            DevServer::Remote(r) => format!("dev {}:{}", r.url.host, r.url.port()),
        }
    }

    /// A throwaway database cloned from the bootstrapped template; returns the
    /// connection string to hand to `db::connect` (it may hold the dev server's password:
    /// never print it). The caller drops it with [`DevServer::drop_database`].
    pub async fn create_scratch_database(&self, name: &str) -> Result<String, LocalError> {
        match self {
            DevServer::Local(i) => i.create_scratch_database(name).await,
            DevServer::Remote(r) => r.create_database(name).await,
        }
    }

    pub async fn drop_database(&self, name: &str) -> Result<(), LocalError> {
        match self {
            DevServer::Local(i) => i.drop_database(name).await,
            DevServer::Remote(r) => {
                super::check_database_name(name)?;
                let client = r.admin().await?;
                client
                    .batch_execute(&format!(
                        "drop database if exists {} with (force)",
                        quote::ident(name)
                    ))
                    .await
                    .map_err(|e| r.error(format!("dropping database {name}"), &e))
            }
        }
    }
}

/// The dev server `opts` names: the embedded one (started if needed), or the one of
/// `--dev-url`, reached and bootstrapped.
pub async fn dev_server(opts: &LocalOptions) -> Result<DevServer, LocalError> {
    let Some(url) = &opts.dev_url else {
        return super::start(opts).await.map(DevServer::Local);
    };
    let cache_dir = super::resolve_cache_dir(opts)?;
    let mut r = RemoteDev {
        url: url.clone(),
        major_version: 0,
        cache_dir,
    };
    let client = r.admin().await?;
    let version: String = client
        .query_one(
            "select pg_catalog.current_setting('server_version_num')",
            &[],
        )
        .await
        .map_err(|e| r.error("reading its version".into(), &e))?
        .get(0);
    r.major_version = version.parse::<u32>().unwrap_or(0) / 10000;
    if r.major_version < super::binaries::MIN_MAJOR_VERSION {
        return Err(LocalError::DevServer {
            target: r.url.redacted(),
            reason: format!(
                "it runs PostgreSQL {}; supaform needs {} or newer",
                r.major_version,
                super::binaries::MIN_MAJOR_VERSION
            ),
        });
    }
    r.ensure_template(&client).await?;
    Ok(DevServer::Remote(r))
}

impl RemoteDev {
    fn error(&self, action: String, e: &tokio_postgres::Error) -> LocalError {
        LocalError::DevServer {
            target: self.url.redacted(),
            reason: format!("{action}: {}", super::error::pg_message(e)),
        }
    }

    async fn admin(&self) -> Result<tokio_postgres::Client, LocalError> {
        self.connect(&self.url).await
    }

    async fn connect(&self, url: &DbUrl) -> Result<tokio_postgres::Client, LocalError> {
        crate::db::connect_url(url)
            .await
            .map_err(|e| LocalError::DevServer {
                target: self.url.redacted(),
                reason: e.to_string(),
            })
    }

    /// A connection string to `database`, with the search path a Supabase project gives
    /// its `postgres` role (extension functions resolve unqualified, as on the target).
    fn url_of(&self, database: &str) -> DbUrl {
        let mut u = self.url.with_database(database);
        let path = "-c search_path=public,extensions";
        u.options = Some(match &u.options {
            Some(o) if !o.trim().is_empty() => format!("{o} {path}"),
            _ => path.to_string(),
        });
        u
    }

    async fn create_database(&self, name: &str) -> Result<String, LocalError> {
        super::check_database_name(name)?;
        let client = self.admin().await?;
        let q = quote::ident(name);
        // One statement per call: DROP/CREATE DATABASE refuse an implicit transaction.
        for sql in [
            format!("drop database if exists {q} with (force)"),
            format!(
                "create database {q} template {}",
                quote::ident(DEV_TEMPLATE_DATABASE)
            ),
        ] {
            client
                .batch_execute(&sql)
                .await
                .map_err(|e| self.error(format!("creating database {name}"), &e))?;
        }
        Ok(self.url_of(name).conninfo())
    }

    /// Build the template when it is missing or was made by other bootstrap SQL. Several
    /// processes may race: an advisory lock (held by this session) lets one build it. Only
    /// the missing API roles are created; existing ones are left as they are.
    async fn ensure_template(&self, client: &tokio_postgres::Client) -> Result<(), LocalError> {
        const LOCK: i64 = 0x5375_7061_666f_726d; // "Supaform"
        let offered = bootstrap::offered_extensions(client)
            .await
            .map_err(|e| self.error("reading its available extensions".into(), &e))?;
        let marker = bootstrap::marker(&offered);
        let current = || async {
            bootstrap::template_marker(client, DEV_TEMPLATE_DATABASE)
                .await
                .map_err(|e| self.error("reading its template database".into(), &e))
        };
        if current().await?.as_deref() == Some(marker.as_str()) {
            return Ok(());
        }
        client
            .batch_execute(&format!("select pg_catalog.pg_advisory_lock({LOCK})"))
            .await
            .map_err(|e| self.error("waiting for another supaform".into(), &e))?;
        let built = async {
            if current().await?.as_deref() == Some(marker.as_str()) {
                return Ok(());
            }
            let template = bootstrap::Template {
                name: DEV_TEMPLATE_DATABASE,
                roles_sql: bootstrap::API_ROLES_SQL,
                is_template: false,
                marker: &marker,
            };
            let url = self.url_of(DEV_TEMPLATE_DATABASE);
            bootstrap::build_template(
                client,
                &template,
                || self.connect(&url),
                |step, e| self.error(step.into(), &e),
            )
            .await
        }
        .await;
        let _ = client
            .batch_execute(&format!("select pg_catalog.pg_advisory_unlock({LOCK})"))
            .await;
        built
    }
}
