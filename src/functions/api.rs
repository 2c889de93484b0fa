//! The Supabase Management API client.
//!
//! Every request goes through [`ApiClient::send`]: it takes a token from the shared
//! [`RateLimiter`], sets the bearer token (a header marked sensitive, so no HTTP layer logs
//! it), applies the per-request timeout, and retries 429, 5xx, timeouts and connection
//! failures with exponential backoff and full jitter, honouring `Retry-After` and
//! `X-RateLimit-Reset`. Error messages built from a response body pass through
//! [`ApiClient::redact`], so even a server echoing the token cannot leak it.

use super::bundle::bundle;
use super::{FunctionsError, RateLimiter, RemoteFunction, RemoteSecret};
use crate::model::{EdgeFunction, Environment, Sensitive};
use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
use reqwest::header::{HeaderMap, HeaderValue, AUTHORIZATION};
use reqwest::{Method, StatusCode};
use serde::Deserialize;
use std::collections::HashMap;
use std::fmt;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

pub const DEFAULT_API_URL: &str = "https://api.supabase.com";

/// How hard the client tries before giving up.
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    /// Attempts per request, the first included.
    pub max_attempts: u32,
    /// First backoff; doubled on each retry, with full jitter.
    pub base_delay: Duration,
    pub max_delay: Duration,
    /// Per request, from sending to the last byte of the answer.
    pub request_timeout: Duration,
    /// Longest wait a `Retry-After` / `X-RateLimit-Reset` header may impose.
    pub max_server_wait: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 5,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(20),
            request_timeout: Duration::from_secs(120),
            max_server_wait: Duration::from_secs(65),
        }
    }
}

/// A Management API client for one project. Cloning shares the connection pool, the rate
/// limiter and the statuses seen in deploy answers.
#[derive(Clone)]
pub struct ApiClient {
    http: reqwest::Client,
    base: String,
    project_ref: String,
    token: Sensitive<String>,
    retry: RetryPolicy,
    limiter: RateLimiter,
    deployed_status: Arc<Mutex<HashMap<String, String>>>,
}

impl fmt::Debug for ApiClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiClient")
            .field("base", &self.base)
            .field("project_ref", &self.project_ref)
            .field("token", &self.token)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

#[derive(Deserialize)]
struct ApiFunction {
    slug: String,
    name: String,
    status: String,
    version: u64,
    #[serde(default)]
    updated_at: Option<i64>,
    #[serde(default)]
    verify_jwt: Option<bool>,
    #[serde(default)]
    entrypoint_path: Option<String>,
    #[serde(default)]
    import_map_path: Option<String>,
    #[serde(default)]
    ezbr_sha256: Option<String>,
}

impl From<ApiFunction> for RemoteFunction {
    fn from(a: ApiFunction) -> Self {
        RemoteFunction {
            slug: a.slug,
            name: a.name,
            version: a.version,
            status: a.status,
            entrypoint_path: a.entrypoint_path,
            import_map_path: a.import_map_path,
            verify_jwt: a.verify_jwt,
            ezbr_sha256: a.ezbr_sha256,
            updated_at: a.updated_at,
        }
    }
}

#[derive(Deserialize)]
struct ApiSecret {
    name: String,
    value: String,
}

fn tls_config() -> rustls::ClientConfig {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    let mut cfg = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map(|b| b.with_root_certificates(roots).with_no_client_auth())
        // ring supports the default protocol versions; this cannot fail.
        .unwrap_or_else(|_| {
            rustls::ClientConfig::builder_with_protocol_versions(rustls::DEFAULT_VERSIONS)
                .with_root_certificates(rustls::RootCertStore::empty())
                .with_no_client_auth()
        });
    cfg.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    cfg
}

fn seg(s: &str) -> String {
    utf8_percent_encode(s, NON_ALPHANUMERIC).to_string()
}

impl ApiClient {
    /// A client for `project_ref` at `base_url` (e.g. [`DEFAULT_API_URL`]).
    pub fn new(
        base_url: &str,
        token: Sensitive<String>,
        project_ref: &str,
    ) -> Result<Self, FunctionsError> {
        let parsed = url::Url::parse(base_url).map_err(|e| FunctionsError::BadApiUrl {
            value: base_url.to_string(),
            reason: e.to_string(),
        })?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(FunctionsError::BadApiUrl {
                value: base_url.to_string(),
                reason: "the scheme must be http or https".into(),
            });
        }
        let http = reqwest::Client::builder()
            .tls_backend_preconfigured(tls_config())
            .user_agent(concat!("supaform/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(Duration::from_secs(15))
            .build()
            .map_err(|e| FunctionsError::Internal {
                reason: format!("cannot build the HTTP client: {e}"),
            })?;
        Ok(ApiClient {
            http,
            base: base_url.trim_end_matches('/').to_string(),
            project_ref: project_ref.to_string(),
            token,
            retry: RetryPolicy::default(),
            limiter: RateLimiter::new(120, 10),
            deployed_status: Arc::new(Mutex::new(HashMap::new())),
        })
    }

    /// A client for `env`: its `project_ref`, the token from `SUPABASE_ACCESS_TOKEN` and the
    /// base URL from `SUPABASE_API_URL` (default [`DEFAULT_API_URL`]).
    pub fn from_env(env: &Environment) -> Result<Self, FunctionsError> {
        let project_ref =
            env.project_ref
                .clone()
                .ok_or_else(|| FunctionsError::MissingProjectRef {
                    environment: env.name.clone(),
                })?;
        let token = std::env::var("SUPABASE_ACCESS_TOKEN")
            .ok()
            .filter(|t| !t.trim().is_empty())
            .ok_or(FunctionsError::MissingToken)?;
        let base = std::env::var("SUPABASE_API_URL")
            .ok()
            .filter(|u| !u.trim().is_empty())
            .unwrap_or_else(|| DEFAULT_API_URL.to_string());
        ApiClient::new(
            &base,
            Sensitive::new(token.trim().to_string()),
            &project_ref,
        )
    }

    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// Replaces the rate limiter (default: 120 a minute after a burst of 10).
    pub fn with_rate_limit(mut self, per_minute: u32, burst: u32) -> Self {
        self.limiter = RateLimiter::new(per_minute, burst);
        self
    }

    pub fn project_ref(&self) -> &str {
        &self.project_ref
    }

    pub fn base_url(&self) -> &str {
        &self.base
    }

    fn url(&self, rest: &str) -> String {
        format!(
            "{}/v1/projects/{}{}",
            self.base,
            seg(&self.project_ref),
            rest
        )
    }

    /// Replaces the token wherever it might appear in `s`.
    fn redact(&self, s: &str) -> String {
        let t = self.token.expose();
        if t.is_empty() {
            s.to_string()
        } else {
            s.replace(t.as_str(), "(redacted)")
        }
    }

    fn auth_headers(&self) -> Result<HeaderMap, FunctionsError> {
        let mut v = HeaderValue::from_str(&format!("Bearer {}", self.token.expose()))
            .map_err(|_| FunctionsError::InvalidToken)?;
        v.set_sensitive(true);
        let mut h = HeaderMap::new();
        h.insert(AUTHORIZATION, v);
        Ok(h)
    }

    fn backoff(&self, attempt: u32) -> Duration {
        let exp = self
            .retry
            .base_delay
            .saturating_mul(1u32 << attempt.saturating_sub(1).min(16));
        let cap = exp.min(self.retry.max_delay);
        // Full jitter, but never less than a quarter of the step.
        let ms = cap.as_millis() as u64;
        Duration::from_millis(ms / 4 + fastrand::u64(0..=ms - ms / 4))
    }

    /// How long the server asked us to wait, from `Retry-After` (seconds) or
    /// `X-RateLimit-Reset` (seconds from now, or a Unix time in seconds or milliseconds).
    fn server_wait(&self, headers: &HeaderMap) -> Option<Duration> {
        let num = |name: &str| -> Option<f64> {
            headers
                .get(name)?
                .to_str()
                .ok()?
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite() && *v >= 0.0)
        };
        let wait = if let Some(s) = num("retry-after") {
            Duration::from_secs_f64(s)
        } else {
            let r = num("x-ratelimit-reset")?;
            let now = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .unwrap_or_default()
                .as_secs_f64();
            if r > 1e12 {
                Duration::from_secs_f64((r / 1000.0 - now).max(0.0))
            } else if r > 1e9 {
                Duration::from_secs_f64((r - now).max(0.0))
            } else {
                Duration::from_secs_f64(r)
            }
        };
        Some(wait.min(self.retry.max_server_wait))
    }

    /// Sends the request `build` makes (again on each attempt), retrying what is worth
    /// retrying. Returns the first answer that is neither 429 nor 5xx.
    async fn send(
        &self,
        what: &str,
        build: &(dyn Fn() -> Result<reqwest::RequestBuilder, FunctionsError> + Sync),
    ) -> Result<(StatusCode, Vec<u8>), FunctionsError> {
        let max = self.retry.max_attempts.max(1);
        let mut last: Option<FunctionsError> = None;
        for attempt in 1..=max {
            self.limiter.acquire().await;
            let req = build()?
                .headers(self.auth_headers()?)
                .timeout(self.retry.request_timeout);
            let outcome = match req.send().await {
                Ok(resp) => {
                    let status = resp.status();
                    let headers = resp.headers().clone();
                    match resp.bytes().await {
                        Ok(b) => Ok((status, headers, b.to_vec())),
                        Err(e) => Err(e),
                    }
                }
                Err(e) => Err(e),
            };
            let wait = match outcome {
                Err(e) if e.is_timeout() => {
                    last = Some(FunctionsError::Timeout {
                        what: what.to_string(),
                        seconds: self.retry.request_timeout.as_secs(),
                        attempts: attempt,
                    });
                    self.backoff(attempt)
                }
                Err(e) => {
                    last = Some(FunctionsError::Connect {
                        what: what.to_string(),
                        reason: self.redact(&error_chain(&e)),
                    });
                    self.backoff(attempt)
                }
                Ok((status, headers, body)) if status == StatusCode::TOO_MANY_REQUESTS => {
                    last = Some(FunctionsError::RateLimited {
                        what: what.to_string(),
                        attempts: attempt,
                    });
                    let wait = self
                        .server_wait(&headers)
                        .unwrap_or_else(|| self.backoff(attempt));
                    self.limiter.pause_until(Instant::now() + wait).await;
                    let _ = body;
                    wait
                }
                Ok((status, headers, body)) if status.is_server_error() => {
                    last = Some(FunctionsError::Server {
                        what: what.to_string(),
                        status: status.as_u16(),
                        attempts: attempt,
                        message: self.body_message(&body),
                    });
                    self.server_wait(&headers)
                        .unwrap_or_else(|| self.backoff(attempt))
                }
                Ok((status, _, body)) => return Ok((status, body)),
            };
            if attempt < max {
                tokio::time::sleep(wait).await;
            }
        }
        Err(last.unwrap_or_else(|| FunctionsError::Internal {
            reason: "no attempt was made".into(),
        }))
    }

    /// A short, redacted excerpt of an error body (`message` if it is JSON with one).
    fn body_message(&self, body: &[u8]) -> String {
        let text = String::from_utf8_lossy(body);
        let msg = serde_json::from_slice::<serde_json::Value>(body)
            .ok()
            .and_then(|v| {
                v.get("message")
                    .or_else(|| v.get("error"))
                    .and_then(|m| m.as_str().map(String::from))
            })
            .unwrap_or_else(|| text.trim().to_string());
        let mut msg = self.redact(&msg);
        if msg.len() > 300 {
            let mut cut = 300;
            while !msg.is_char_boundary(cut) {
                cut -= 1;
            }
            msg.truncate(cut);
            msg.push('…');
        }
        if msg.is_empty() {
            "(no message)".into()
        } else {
            msg
        }
    }

    /// Maps the answers every operation treats alike; `Ok` for a success.
    fn check(
        &self,
        what: &str,
        status: StatusCode,
        body: &[u8],
        not_found: impl FnOnce() -> FunctionsError,
    ) -> Result<(), FunctionsError> {
        if status.is_success() {
            return Ok(());
        }
        Err(match status.as_u16() {
            401 | 403 => FunctionsError::Unauthorized {
                status: status.as_u16(),
                reason: status.canonical_reason().unwrap_or("").to_string(),
            },
            404 => not_found(),
            s => FunctionsError::Rejected {
                what: what.to_string(),
                status: s,
                message: self.body_message(body),
            },
        })
    }

    fn project_not_found(&self) -> impl FnOnce() -> FunctionsError + '_ {
        || FunctionsError::ProjectNotFound {
            project_ref: self.project_ref.clone(),
        }
    }

    fn parse<T: serde::de::DeserializeOwned>(
        &self,
        what: &str,
        body: &[u8],
    ) -> Result<T, FunctionsError> {
        serde_json::from_slice(body).map_err(|e| FunctionsError::BadResponse {
            what: what.to_string(),
            reason: self.redact(&e.to_string()),
        })
    }

    fn request(&self, method: Method, url: &str) -> reqwest::RequestBuilder {
        self.http.request(method, url)
    }

    pub async fn list_functions(&self) -> Result<Vec<RemoteFunction>, FunctionsError> {
        let what = "list Edge Functions";
        let url = self.url("/functions");
        let (status, body) = self
            .send(what, &|| Ok(self.request(Method::GET, &url)))
            .await?;
        self.check(what, status, &body, self.project_not_found())?;
        let list: Vec<ApiFunction> = self.parse(what, &body)?;
        Ok(list.into_iter().map(RemoteFunction::from).collect())
    }

    pub async fn get_function(&self, slug: &str) -> Result<Option<RemoteFunction>, FunctionsError> {
        let what = format!("read Edge Function `{slug}`");
        let url = self.url(&format!("/functions/{}", seg(slug)));
        let (status, body) = self
            .send(&what, &|| Ok(self.request(Method::GET, &url)))
            .await?;
        if status == StatusCode::NOT_FOUND {
            return Ok(None);
        }
        self.check(&what, status, &body, self.project_not_found())?;
        let f: ApiFunction = self.parse(&what, &body)?;
        Ok(Some(f.into()))
    }

    /// `POST /functions/deploy?slug=`: the `metadata` part, then one `file` part per
    /// deployed file. One request; retried as a whole (a deploy is idempotent in effect).
    pub async fn deploy(
        &self,
        config_dir: &Path,
        f: &EdgeFunction,
    ) -> Result<RemoteFunction, FunctionsError> {
        let b = bundle(config_dir, f)?;
        let what = format!("deploy Edge Function `{}`", f.slug);
        let url = format!("{}?slug={}", self.url("/functions/deploy"), seg(&f.slug));
        let metadata =
            serde_json::to_string(&b.metadata).map_err(|e| FunctionsError::Internal {
                reason: e.to_string(),
            })?;
        let build = || -> Result<reqwest::RequestBuilder, FunctionsError> {
            let part = reqwest::multipart::Part::text(metadata.clone())
                .mime_str("application/json")
                .map_err(|e| FunctionsError::Internal {
                    reason: e.to_string(),
                })?;
            let mut form = reqwest::multipart::Form::new()
                .percent_encode_noop()
                .part("metadata", part);
            for (path, content) in &b.files {
                let part = reqwest::multipart::Part::bytes(content.clone())
                    .file_name(path.clone())
                    .mime_str(mime_for(path))
                    .map_err(|e| FunctionsError::Internal {
                        reason: e.to_string(),
                    })?;
                form = form.part("file", part);
            }
            Ok(self.request(Method::POST, &url).multipart(form))
        };
        let (status, body) = self.send(&what, &build).await?;
        if status == StatusCode::PAYMENT_REQUIRED {
            return Err(FunctionsError::PlanLimit {
                slug: f.slug.clone(),
            });
        }
        self.check(&what, status, &body, self.project_not_found())?;
        let r: RemoteFunction = self.parse::<ApiFunction>(&what, &body)?.into();
        if let Ok(mut m) = self.deployed_status.lock() {
            m.insert(r.slug.clone(), r.status.clone());
        }
        Ok(r)
    }

    /// Deleting a function that does not exist is not an error.
    pub async fn delete_function(&self, slug: &str) -> Result<(), FunctionsError> {
        let what = format!("delete Edge Function `{slug}`");
        let url = self.url(&format!("/functions/{}", seg(slug)));
        let (status, body) = self
            .send(&what, &|| Ok(self.request(Method::DELETE, &url)))
            .await?;
        if let Ok(mut m) = self.deployed_status.lock() {
            m.remove(slug);
        }
        if status == StatusCode::NOT_FOUND {
            return Ok(());
        }
        self.check(&what, status, &body, self.project_not_found())
    }

    pub async fn list_secrets(&self) -> Result<Vec<RemoteSecret>, FunctionsError> {
        let what = "list secrets";
        let url = self.url("/secrets");
        let (status, body) = self
            .send(what, &|| Ok(self.request(Method::GET, &url)))
            .await?;
        self.check(what, status, &body, self.project_not_found())?;
        let list: Vec<ApiSecret> = self.parse(what, &body)?;
        Ok(list
            .into_iter()
            .map(|s| RemoteSecret {
                name: s.name,
                digest: s.value.to_ascii_lowercase(),
            })
            .collect())
    }

    pub async fn set_secrets(
        &self,
        secrets: &[(&str, &Sensitive<String>)],
    ) -> Result<(), FunctionsError> {
        if secrets.is_empty() {
            return Ok(());
        }
        let what = "set secrets";
        let url = self.url("/secrets");
        let body: Vec<serde_json::Value> = secrets
            .iter()
            .map(|(n, v)| serde_json::json!({ "name": n, "value": v.expose() }))
            .collect();
        let (status, resp) = self
            .send(what, &|| Ok(self.request(Method::POST, &url).json(&body)))
            .await?;
        self.check(what, status, &resp, self.project_not_found())
    }

    pub async fn delete_secrets(&self, names: &[&str]) -> Result<(), FunctionsError> {
        if names.is_empty() {
            return Ok(());
        }
        let what = "delete secrets";
        let url = self.url("/secrets");
        let (status, resp) = self
            .send(what, &|| {
                Ok(self.request(Method::DELETE, &url).json(&names))
            })
            .await?;
        self.check(what, status, &resp, self.project_not_found())
    }

    /// Polls `GET /functions/{slug}` (backing off from 0.5 s to 5 s) until each function is
    /// `ACTIVE` or `timeout` passes; a function whose deploy answer already said `ACTIVE`
    /// is not asked. A function that no longer exists reports `MISSING`.
    pub async fn wait_active(
        &self,
        slugs: &[String],
        timeout: Duration,
    ) -> Result<Vec<(String, String)>, FunctionsError> {
        let deadline = Instant::now() + timeout;
        let mut status: HashMap<String, String> = HashMap::new();
        if let Ok(m) = self.deployed_status.lock() {
            for s in slugs {
                if let Some(st) = m.get(s) {
                    status.insert(s.clone(), st.clone());
                }
            }
        }
        let mut pending: Vec<String> = slugs
            .iter()
            .filter(|s| status.get(*s).map(String::as_str) != Some("ACTIVE"))
            .cloned()
            .collect();
        let mut interval = Duration::from_millis(500);
        while !pending.is_empty() {
            let mut still = Vec::new();
            for slug in pending {
                let st = match self.get_function(&slug).await? {
                    Some(f) => f.status,
                    None => "MISSING".to_string(),
                };
                if st != "ACTIVE" {
                    still.push(slug.clone());
                }
                status.insert(slug, st);
            }
            pending = still;
            let now = Instant::now();
            if pending.is_empty() || now >= deadline {
                break;
            }
            tokio::time::sleep(interval.min(deadline - now)).await;
            interval = (interval * 2).min(Duration::from_secs(5));
        }
        Ok(slugs
            .iter()
            .map(|s| {
                (
                    s.clone(),
                    status.get(s).cloned().unwrap_or_else(|| "UNKNOWN".into()),
                )
            })
            .collect())
    }
}

fn mime_for(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "ts" | "tsx" | "mts" => "application/typescript",
        "js" | "mjs" | "jsx" => "application/javascript",
        "json" => "application/json",
        "html" => "text/html",
        "css" => "text/css",
        "wasm" => "application/wasm",
        _ => "application/octet-stream",
    }
}

/// An error with its causes, e.g. `error sending request: connection refused`.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        let m = c.to_string();
        if !s.contains(&m) {
            s.push_str(": ");
            s.push_str(&m);
        }
        cur = c.source();
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client() -> ApiClient {
        ApiClient::new(
            "http://127.0.0.1:9",
            Sensitive::new("sbp_secret_token".into()),
            "abcdefghijklmnopqrst",
        )
        .unwrap()
    }

    fn headers(pairs: &[(&'static str, String)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn server_waits_in_every_spelling() {
        let c = client();
        let secs = |h: HeaderMap| c.server_wait(&h).map(|d| d.as_secs_f64().round() as u64);
        assert_eq!(secs(headers(&[("retry-after", "3".into())])), Some(3));
        assert_eq!(secs(headers(&[("x-ratelimit-reset", "7".into())])), Some(7));
        let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
        let at = (now.as_secs() + 10).to_string();
        let w = secs(headers(&[("x-ratelimit-reset", at)])).unwrap();
        assert!((9..=10).contains(&w), "{w}");
        let at_ms = (now.as_millis() + 4000).to_string();
        assert_eq!(secs(headers(&[("x-ratelimit-reset", at_ms)])), Some(4));
        // capped, and nonsense ignored
        assert_eq!(secs(headers(&[("retry-after", "100000".into())])), Some(65));
        assert_eq!(secs(headers(&[("retry-after", "soon".into())])), None);
        assert_eq!(secs(HeaderMap::new()), None);
    }

    #[test]
    fn backoff_grows_with_jitter_and_a_cap() {
        let c = client();
        for attempt in 1..12 {
            let step = Duration::from_millis(500)
                .saturating_mul(1 << (attempt - 1))
                .min(Duration::from_secs(20));
            let d = c.backoff(attempt);
            assert!(d >= step / 4 && d <= step, "{attempt}: {d:?}");
        }
    }

    #[test]
    fn redaction_and_debug_hide_the_token() {
        let c = client();
        assert_eq!(c.redact("x sbp_secret_token y"), "x (redacted) y");
        assert!(!format!("{c:?}").contains("sbp_secret_token"));
        assert_eq!(
            c.body_message(br#"{"message":"bad sbp_secret_token"}"#),
            "bad (redacted)"
        );
    }
}
