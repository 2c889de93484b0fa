//! Edge Functions and secrets: where a function's files come from, and the two targets
//! that receive them.
//!
//! - [`ApiClient`]: the Supabase Management API (`https://api.supabase.com`, or
//!   `SUPABASE_API_URL`), bearer token from `SUPABASE_ACCESS_TOKEN`. Retries 429 and 5xx
//!   with exponential backoff and jitter, honours `Retry-After` / `X-RateLimit-Reset`, and
//!   shares one token bucket between all its requests (about 120 a minute).
//! - [`DirectoryTarget`]: self-hosted Supabase, whose edge runtime serves every
//!   `<volume>/<slug>/index.ts` of its functions volume. Writes are atomic per function.
//!
//! [`Target`] puts both behind one set of calls for the applier. Nothing here decides what
//! to change: the planner compares [`source_hash`], the deployed version and
//! `ezbr_sha256` with the state, and [`secret_digest`] with [`RemoteSecret::digest`].

mod api;
mod bundle;
mod directory;
mod error;
mod ratelimit;

pub use api::{ApiClient, RetryPolicy, DEFAULT_API_URL};
pub use bundle::{bundle_files, deploy_metadata, source_hash, DeployMetadata};
pub use directory::DirectoryTarget;
pub use error::FunctionsError;
pub use ratelimit::RateLimiter;

use crate::model::{EdgeFunction, Environment, Sensitive};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// The digest the Management API returns for a secret in `GET /secrets`: the lowercase hex
/// SHA-256 of the value. Comparing it with this tells whether a secret must be set again
/// without ever reading the remote value.
pub fn secret_digest(value: &str) -> String {
    let d = Sha256::digest(value.as_bytes());
    let mut out = String::with_capacity(64);
    for b in d {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

/// An Edge Function as a target reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemoteFunction {
    pub slug: String,
    pub name: String,
    pub version: u64,
    /// `ACTIVE`, `REMOVED` or `THROTTLED` (the API's enum).
    pub status: String,
    pub entrypoint_path: Option<String>,
    pub import_map_path: Option<String>,
    pub verify_jwt: Option<bool>,
    /// The API's hash of the deployed bundle. The directory target reports the blake3 of
    /// the files it finds on disk (`blake3:<hex>`, the same as [`source_hash`] of the
    /// files it wrote), so a file edited in place shows up as drift.
    pub ezbr_sha256: Option<String>,
    /// Milliseconds since the Unix epoch, as the API gives it.
    pub updated_at: Option<i64>,
}

/// A secret as a target reports it: never the value, only its SHA-256 ([`secret_digest`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemoteSecret {
    pub name: String,
    pub digest: String,
}

/// What a multi-function deploy did: every function that was deployed, and every one that
/// failed with its error. A failure does not stop the others.
#[derive(Debug, Default)]
pub struct DeployReport {
    pub deployed: Vec<RemoteFunction>,
    pub failed: Vec<(String, FunctionsError)>,
}

/// Where Edge Functions and secrets go.
#[derive(Debug, Clone)]
pub enum Target {
    Api(ApiClient),
    Directory(DirectoryTarget),
}

impl Target {
    /// The target of an environment:
    /// - `functions_dir` set: a [`DirectoryTarget`] there (relative to the config directory);
    /// - else `project_ref` set: the Management API ([`ApiClient::from_env`]);
    /// - else, for the embedded local environment (no `database_url`): a directory in
    ///   supaform's cache, `<cache>/functions/<environment>`;
    /// - else an error naming the missing `project_ref`.
    pub fn for_environment(env: &Environment, config_dir: &Path) -> Result<Target, FunctionsError> {
        if let Some(dir) = &env.functions_dir {
            return Ok(Target::Directory(DirectoryTarget::new(
                config_dir.join(dir),
            )));
        }
        if env.project_ref.is_some() {
            return Ok(Target::Api(ApiClient::from_env(env)?));
        }
        if env.database_url.is_none() {
            let cache = crate::local::default_cache_dir()
                .unwrap_or_else(|| std::env::temp_dir().join("supaform"));
            return Ok(Target::Directory(DirectoryTarget::new(
                cache.join("functions").join(&env.name),
            )));
        }
        Err(FunctionsError::MissingProjectRef {
            environment: env.name.clone(),
        })
    }

    pub async fn list_functions(&self) -> Result<Vec<RemoteFunction>, FunctionsError> {
        match self {
            Target::Api(c) => c.list_functions().await,
            Target::Directory(d) => d.list_functions(),
        }
    }

    /// `None` when the function does not exist.
    pub async fn get_function(&self, slug: &str) -> Result<Option<RemoteFunction>, FunctionsError> {
        check_slug(slug)?;
        match self {
            Target::Api(c) => c.get_function(slug).await,
            Target::Directory(d) => d.get_function(slug),
        }
    }

    pub async fn deploy(
        &self,
        config_dir: &Path,
        f: &EdgeFunction,
    ) -> Result<RemoteFunction, FunctionsError> {
        check_slug(&f.slug)?;
        match self {
            Target::Api(c) => c.deploy(config_dir, f).await,
            Target::Directory(d) => {
                // File I/O with fsyncs: off the async workers.
                let (d, dir, f) = (d.clone(), config_dir.to_path_buf(), f.clone());
                tokio::task::spawn_blocking(move || d.deploy(&dir, &f))
                    .await
                    .map_err(|e| FunctionsError::Internal {
                        reason: format!("a directory deploy stopped: {e}"),
                    })?
            }
        }
    }

    /// Deploys several functions, at most `concurrency` at a time (the API client's rate
    /// limiter bounds the request rate on top of that). Every function is attempted; the
    /// report says which were deployed and which failed.
    pub async fn deploy_many(
        &self,
        config_dir: &Path,
        functions: &[EdgeFunction],
        concurrency: usize,
    ) -> DeployReport {
        let sem = Arc::new(tokio::sync::Semaphore::new(concurrency.max(1)));
        let mut set = tokio::task::JoinSet::new();
        for (i, f) in functions.iter().enumerate() {
            let target = self.clone();
            let dir: PathBuf = config_dir.to_path_buf();
            let f = f.clone();
            let sem = sem.clone();
            set.spawn(async move {
                let _permit = sem.acquire_owned().await;
                let r = target.deploy(&dir, &f).await;
                (i, f.slug, r)
            });
        }
        let mut results = Vec::with_capacity(functions.len());
        while let Some(joined) = set.join_next().await {
            crate::util::crash_point("functions_after_first_deploy");
            match joined {
                Ok(r) => results.push(r),
                Err(e) => results.push((
                    usize::MAX,
                    String::new(),
                    Err(FunctionsError::Internal {
                        reason: format!("a deploy task stopped: {e}"),
                    }),
                )),
            }
        }
        results.sort_by_key(|r| r.0);
        let mut report = DeployReport::default();
        for (_, slug, r) in results {
            match r {
                Ok(f) => report.deployed.push(f),
                Err(e) => report.failed.push((slug, e)),
            }
        }
        report
    }

    /// Deleting a function that does not exist is not an error.
    pub async fn delete_function(&self, slug: &str) -> Result<(), FunctionsError> {
        check_slug(slug)?;
        match self {
            Target::Api(c) => c.delete_function(slug).await,
            Target::Directory(d) => d.delete_function(slug),
        }
    }

    pub async fn list_secrets(&self) -> Result<Vec<RemoteSecret>, FunctionsError> {
        match self {
            Target::Api(c) => c.list_secrets().await,
            Target::Directory(d) => d.list_secrets(),
        }
    }

    /// Creates or replaces the named secrets in one request.
    pub async fn set_secrets(
        &self,
        secrets: &[(&str, &Sensitive<String>)],
    ) -> Result<(), FunctionsError> {
        check_secret_names(secrets.iter().map(|s| s.0))?;
        match self {
            Target::Api(c) => c.set_secrets(secrets).await,
            Target::Directory(d) => d.set_secrets(secrets),
        }
    }

    pub async fn delete_secrets(&self, names: &[&str]) -> Result<(), FunctionsError> {
        match self {
            Target::Api(c) => c.delete_secrets(names).await,
            Target::Directory(d) => d.delete_secrets(names),
        }
    }

    /// Waits (at most `timeout`) until each function reports `ACTIVE`; returns the last
    /// status seen for each slug, in the order given. Functions whose deploy response
    /// already said `ACTIVE` are not asked again.
    pub async fn wait_active(
        &self,
        slugs: &[String],
        timeout: Duration,
    ) -> Result<Vec<(String, String)>, FunctionsError> {
        match self {
            Target::Api(c) => c.wait_active(slugs, timeout).await,
            Target::Directory(d) => d.wait_active(slugs),
        }
    }
}

/// The document's slug pattern (`^[A-Za-z][A-Za-z0-9_-]*$`); also keeps a slug from naming
/// anything but one directory under a functions volume.
pub(crate) fn check_slug(slug: &str) -> Result<(), FunctionsError> {
    let ok = slug.len() <= 128
        && slug.starts_with(|c: char| c.is_ascii_alphabetic())
        && slug
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        Ok(())
    } else {
        Err(FunctionsError::InvalidSlug {
            slug: slug.to_string(),
        })
    }
}

/// The API refuses names starting with `SUPABASE_` (reserved for the platform's own).
pub(crate) fn check_secret_names<'a>(
    names: impl Iterator<Item = &'a str>,
) -> Result<(), FunctionsError> {
    for n in names {
        let valid = !n.is_empty()
            && n.len() <= 256
            && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && !n.starts_with(|c: char| c.is_ascii_digit());
        if n.starts_with("SUPABASE_") || !valid {
            return Err(FunctionsError::InvalidSecretName {
                name: n.to_string(),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digest_is_lowercase_hex_sha256() {
        assert_eq!(
            secret_digest("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    fn env(functions_dir: Option<&str>, url: Option<&str>) -> Environment {
        Environment {
            name: "staging".into(),
            database_url: url.map(|u| Sensitive::new(u.to_string())),
            project_ref: None,
            protected: false,
            state: Default::default(),
            lock_timeout: None,
            statement_timeout: None,
            functions_dir: functions_dir.map(String::from),
            missing_env: vec![],
        }
    }

    #[test]
    fn an_environment_picks_its_target() {
        let dir = Path::new("/cfg");
        match Target::for_environment(&env(Some("volumes/functions"), Some("postgres://x")), dir) {
            Ok(Target::Directory(d)) => assert_eq!(d.root, Path::new("/cfg/volumes/functions")),
            other => panic!("{other:?}"),
        }
        match Target::for_environment(&env(None, None), dir) {
            Ok(Target::Directory(d)) => assert!(d.root.ends_with("functions/staging")),
            other => panic!("{other:?}"),
        }
        match Target::for_environment(&env(None, Some("postgres://x")), dir) {
            Err(FunctionsError::MissingProjectRef { environment }) => {
                assert_eq!(environment, "staging")
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn slugs_name_one_directory() {
        assert!(check_slug("create-payment_2").is_ok());
        for bad in ["", "..", "../x", "a/b", "9a", "-a", "a b"] {
            assert!(check_slug(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn reserved_and_malformed_secret_names_are_refused() {
        assert!(check_secret_names(["STRIPE_KEY"].into_iter()).is_ok());
        assert!(check_secret_names(["SUPABASE_URL"].into_iter()).is_err());
        assert!(check_secret_names(["A=B"].into_iter()).is_err());
        assert!(check_secret_names(["1A"].into_iter()).is_err());
    }
}
