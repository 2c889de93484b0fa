//! Which database a command works on: an environment of the configuration (`-e ENV`,
//! default `local`), whose `database_url` is used, or the embedded local Postgres when it
//! has none.

use crate::config::Config;
use crate::model::Environment;
use miette::Diagnostic;
use thiserror::Error;

/// The environment every project has, even when it does not declare it.
pub const DEFAULT_ENV: &str = "local";

/// A resolved target. `url` may hold a password: print `redacted`, never `url`.
#[derive(Clone)]
pub struct Target {
    pub env: Environment,
    pub url: String,
    pub redacted: String,
    /// The embedded local Postgres.
    pub local: bool,
}

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Target")
            .field("env", &self.env.name)
            .field("url", &self.redacted)
            .field("local", &self.local)
            .finish()
    }
}

#[derive(Debug, Error, Diagnostic)]
pub enum TargetError {
    #[error("environment `{env}` reads its database URL from ${var}, which is not set")]
    #[diagnostic(
        code(supaform::target::missing_env),
        help("export {var}=postgresql://... (the connection string from the Supabase dashboard) and run again")
    )]
    MissingEnv { env: String, var: String },
    #[error(transparent)]
    #[diagnostic(transparent)]
    Local(#[from] crate::local::LocalError),
    #[error(transparent)]
    #[diagnostic(transparent)]
    Db(#[from] crate::db::DbError),
}

/// The environment named `name` (default `local`), from the configuration or built in.
pub fn environment(cfg: &Config, name: Option<&str>) -> miette::Result<Environment> {
    let name = name.unwrap_or(DEFAULT_ENV);
    match cfg.model.environments.get(name) {
        Some(e) => Ok(e.clone()),
        None if name == DEFAULT_ENV => Ok(Environment {
            name: DEFAULT_ENV.to_string(),
            database_url: None,
            project_ref: None,
            protected: false,
            state: Default::default(),
            lock_timeout: None,
            statement_timeout: None,
            functions_dir: None,
            missing_env: vec![],
        }),
        None => Err(miette::Report::new(cfg.environment(name).unwrap_err())),
    }
}

/// Resolve an environment to a database URL, starting the embedded Postgres if needed.
pub async fn resolve(env: Environment) -> Result<Target, TargetError> {
    match &env.database_url {
        Some(url) => {
            let url = url.expose().to_string();
            let redacted = crate::db::DbUrl::parse(&url)?.redacted();
            Ok(Target {
                env,
                url,
                redacted,
                local: false,
            })
        }
        None => {
            if let Some(var) = env.missing_env.first() {
                return Err(TargetError::MissingEnv {
                    env: env.name.clone(),
                    var: var.clone(),
                });
            }
            let inst = crate::local::start(&crate::local::LocalOptions::default()).await?;
            let url = inst.url(crate::local::LOCAL_DATABASE);
            Ok(Target {
                env,
                redacted: url.clone(),
                url,
                local: true,
            })
        }
    }
}
