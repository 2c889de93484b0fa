//! A fake Supabase Management API for the tests: an in-process HTTP server on
//! 127.0.0.1:0 keeping Edge Functions and secrets in memory.
//!
//! Every request and response of the operations it serves is checked against the official
//! OpenAPI document (`../shared/supabase-management-api.openapi.json`, or
//! `$SUPAFORM_OPENAPI`): the operation is resolved by path and method, path and query
//! parameters are validated against their schemas (required ones must be present), JSON
//! and multipart bodies against the referenced component schemas (with the `jsonschema`
//! crate), and a response must have a documented status and match its schema. A violation
//! answers 400 (or replaces the response), is recorded, and makes the fake panic when it is
//! dropped, so the test fails loudly.
//!
//! The one liberty: the real API answers 404 for an unknown project or function, which the
//! document does not list; the fake does too.
//!
//! Fault injection: 429 with `X-RateLimit-*` headers for the next N requests, 500 for the
//! next N, slow answers, a deploy that fails every time from the K-th function deployed on,
//! and functions that report `THROTTLED` for a number of polls before `ACTIVE`.
#![allow(dead_code)]

use axum::body::{to_bytes, Body};
use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::Response;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

pub const TOKEN: &str = "sbp_fake0123456789abcdefTOKENvalue42";
pub const PROJECT_REF: &str = "fakeprojectrefabcdef";

#[derive(Debug, Clone)]
pub struct LoggedRequest {
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub status: u16,
    pub at: Instant,
}

impl LoggedRequest {
    /// The function slug this request is about, if any.
    pub fn slug(&self) -> Option<String> {
        if self.path.ends_with("/functions/deploy") {
            return self
                .query
                .as_deref()?
                .split('&')
                .find_map(|kv| kv.strip_prefix("slug="))
                .map(String::from);
        }
        let rest = self.path.split("/functions/").nth(1)?;
        Some(rest.to_string())
    }
}

#[derive(Debug, Clone)]
pub struct FakeFunction {
    pub id: String,
    pub slug: String,
    pub name: String,
    pub version: u64,
    pub status: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub verify_jwt: bool,
    pub metadata: Value,
    pub files: Vec<(String, Vec<u8>)>,
    pub ezbr_sha256: String,
    /// Polls left reporting THROTTLED.
    pub throttled_polls: u32,
}

#[derive(Default)]
struct Faults {
    rate_limit_next: u32,
    rate_limit_reset_secs: u64,
    server_error_next: u32,
    slow: Option<(Duration, u32)>,
    fail_deploy_from: Option<usize>,
    failing_slugs: Vec<String>,
    throttled_polls: u32,
    echo_auth_next: u32,
}

#[derive(Default)]
struct Inner {
    functions: BTreeMap<String, FakeFunction>,
    secrets: BTreeMap<String, String>,
    faults: Faults,
    deployed_slugs: Vec<String>,
    log: Vec<LoggedRequest>,
    violations: Vec<String>,
    next_id: u64,
}

struct Shared {
    inner: Mutex<Inner>,
    project_ref: String,
}

pub struct FakeApi {
    pub base_url: String,
    shared: Arc<Shared>,
    server: tokio::task::JoinHandle<()>,
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

fn sha256_hex(data: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

// ---------------------------------------------------------------------------------------
// The OpenAPI document

fn spec() -> &'static Value {
    static SPEC: OnceLock<Value> = OnceLock::new();
    SPEC.get_or_init(|| {
        let manifest = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let candidates: Vec<std::path::PathBuf> = std::env::var_os("SUPAFORM_OPENAPI")
            .map(std::path::PathBuf::from)
            .into_iter()
            .chain([
                manifest.join("../shared/supabase-management-api.openapi.json"),
                // A copy of the official document, so a clean clone tests without ../shared.
                manifest.join("tests/fixtures/supabase-management-api.openapi.json"),
                manifest.join("../../shared/supabase-management-api.openapi.json"),
            ])
            .collect();
        for c in &candidates {
            if let Ok(text) = std::fs::read(c) {
                return serde_json::from_slice(&text)
                    .unwrap_or_else(|e| panic!("{} is not JSON: {e}", c.display()));
            }
        }
        panic!(
            "the Management API OpenAPI document was not found (looked at {candidates:?}); \
             set SUPAFORM_OPENAPI to its path"
        )
    })
}

/// A validator for `schema` (which may `$ref` into `#/components`), compiled once.
fn validator(schema: &Value) -> Arc<jsonschema::Validator> {
    static CACHE: OnceLock<Mutex<BTreeMap<String, Arc<jsonschema::Validator>>>> = OnceLock::new();
    let key = schema.to_string();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(v) = cache.lock().unwrap_or_else(|p| p.into_inner()).get(&key) {
        return v.clone();
    }
    let mut root = schema.clone();
    if let Some(obj) = root.as_object_mut() {
        obj.insert("components".into(), spec()["components"].clone());
    }
    let v = Arc::new(
        jsonschema::options()
            .with_draft(jsonschema::Draft::Draft4)
            .build(&root)
            .unwrap_or_else(|e| panic!("schema from the OpenAPI document does not compile: {e}")),
    );
    cache
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .insert(key, v.clone());
    v
}

fn check(schema: &Value, instance: &Value, what: &str) -> Result<(), String> {
    let v = validator(schema);
    let errors: Vec<String> = v
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(format!("{what}: {}", errors.join("; ")))
    }
}

/// The operation for `method` on `path`, and the path parameters.
fn operation(
    method: &Method,
    path: &str,
) -> Option<(String, &'static Value, BTreeMap<String, String>)> {
    let m = method.as_str().to_ascii_lowercase();
    let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
    for (template, ops) in spec()["paths"].as_object()? {
        let tsegs: Vec<&str> = template.trim_matches('/').split('/').collect();
        if tsegs.len() != segs.len() {
            continue;
        }
        let mut params = BTreeMap::new();
        let matched = tsegs.iter().zip(&segs).all(|(t, s)| {
            if let Some(name) = t.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
                params.insert(name.to_string(), percent_decode(s));
                true
            } else {
                t == s
            }
        });
        // A literal segment wins over a parameter (`/functions/deploy` vs `/{slug}`).
        if matched
            && !(template.ends_with("{function_slug}") && path.ends_with("/functions/deploy"))
        {
            if let Some(op) = ops.get(&m) {
                return Some((template.clone(), op, params));
            }
        }
    }
    None
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn query_pairs(q: Option<&str>) -> BTreeMap<String, String> {
    q.unwrap_or("")
        .split('&')
        .filter(|kv| !kv.is_empty())
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

fn param_value(schema: &Value, raw: &str) -> Value {
    match schema["type"].as_str() {
        Some("boolean") => match raw {
            "true" => json!(true),
            "false" => json!(false),
            _ => json!(raw),
        },
        Some("integer") | Some("number") => raw
            .parse::<i64>()
            .map(Value::from)
            .unwrap_or_else(|_| json!(raw)),
        _ => json!(raw),
    }
}

fn check_params(
    op: &Value,
    path_params: &BTreeMap<String, String>,
    query: &BTreeMap<String, String>,
) -> Result<(), String> {
    for p in op["parameters"].as_array().into_iter().flatten() {
        let name = p["name"].as_str().unwrap_or_default();
        let given = match p["in"].as_str() {
            Some("path") => path_params.get(name),
            Some("query") => query.get(name),
            _ => continue,
        };
        match given {
            None if p["required"].as_bool() == Some(true) => {
                return Err(format!("required parameter `{name}` is missing"))
            }
            None => {}
            Some(raw) => check(
                &p["schema"],
                &param_value(&p["schema"], raw),
                &format!("parameter `{name}`"),
            )?,
        }
    }
    for k in query.keys() {
        let known = op["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|p| p["in"] == "query" && p["name"] == k.as_str());
        if !known {
            return Err(format!("query parameter `{k}` is not in the document"));
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// The server

impl FakeApi {
    pub async fn start() -> FakeApi {
        FakeApi::start_for(PROJECT_REF).await
    }

    pub async fn start_for(project_ref: &str) -> FakeApi {
        let _ = spec();
        let shared = Arc::new(Shared {
            inner: Mutex::new(Inner::default()),
            project_ref: project_ref.to_string(),
        });
        let app = axum::Router::new()
            .fallback(handle)
            .with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local addr");
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        FakeApi {
            base_url: format!("http://{addr}"),
            shared,
            server,
        }
    }

    fn inner(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.shared.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn client(&self) -> supaform::functions::ApiClient {
        supaform::functions::ApiClient::new(
            &self.base_url,
            supaform::model::Sensitive::new(TOKEN.to_string()),
            &self.shared.project_ref,
        )
        .expect("client")
    }

    // Faults -------------------------------------------------------------------------

    /// The next `n` requests answer 429 with `X-RateLimit-Reset: reset_secs`.
    pub fn rate_limit_next(&self, n: u32, reset_secs: u64) {
        let mut i = self.inner();
        i.faults.rate_limit_next = n;
        i.faults.rate_limit_reset_secs = reset_secs;
    }

    /// The next `n` requests answer 500.
    pub fn fail_next(&self, n: u32) {
        self.inner().faults.server_error_next = n;
    }

    /// The next `n` requests are answered after `delay`.
    pub fn slow_next(&self, n: u32, delay: Duration) {
        self.inner().faults.slow = Some((delay, n));
    }

    /// The `k`-th distinct function deployed (1-based) fails with 500 on every attempt.
    pub fn fail_deploy_number(&self, k: usize) {
        self.inner().faults.fail_deploy_from = Some(k);
    }

    /// Deploys answer THROTTLED, and each function reports THROTTLED for `polls` GETs.
    pub fn throttle_after_deploy(&self, polls: u32) {
        self.inner().faults.throttled_polls = polls;
    }

    /// The next `n` requests answer 500 with the Authorization header in the message (a
    /// careless server), to prove the client redacts it.
    pub fn echo_authorization_next(&self, n: u32) {
        self.inner().faults.echo_auth_next = n;
    }

    /// Clears every fault, including functions set to fail.
    pub fn heal(&self) {
        self.inner().faults = Faults::default();
    }

    // Inspection ---------------------------------------------------------------------

    pub fn requests(&self) -> Vec<LoggedRequest> {
        self.inner().log.clone()
    }

    pub fn clear_log(&self) {
        self.inner().log.clear();
    }

    pub fn function(&self, slug: &str) -> Option<FakeFunction> {
        self.inner().functions.get(slug).cloned()
    }

    pub fn function_slugs(&self) -> Vec<String> {
        self.inner().functions.keys().cloned().collect()
    }

    pub fn secret_value(&self, name: &str) -> Option<String> {
        self.inner().secrets.get(name).cloned()
    }

    /// An out-of-band change: a deploy made by someone else.
    pub fn deploy_out_of_band(&self, slug: &str, files: Vec<(String, Vec<u8>)>) {
        let mut i = self.inner();
        let meta = json!({"entrypoint_path": "index.ts", "name": slug});
        upsert(&mut i, slug, meta, files);
    }

    pub fn violations(&self) -> Vec<String> {
        self.inner().violations.clone()
    }

    /// Returns and forgets the violations (for tests that provoke them on purpose).
    pub fn take_violations(&self) -> Vec<String> {
        std::mem::take(&mut self.inner().violations)
    }
}

impl Drop for FakeApi {
    fn drop(&mut self) {
        self.server.abort();
        let v = self.violations();
        if !v.is_empty() && !std::thread::panicking() {
            panic!("the fake Management API saw requests or responses that break the OpenAPI document:\n{}", v.join("\n"));
        }
    }
}

fn upsert(
    i: &mut Inner,
    slug: &str,
    metadata: Value,
    files: Vec<(String, Vec<u8>)>,
) -> FakeFunction {
    let now = now_ms();
    let mut all = Vec::new();
    for (p, c) in &files {
        all.extend_from_slice(p.as_bytes());
        all.push(0);
        all.extend_from_slice(c);
        all.push(0);
    }
    let ezbr = sha256_hex(&all);
    let throttled = i.faults.throttled_polls;
    i.next_id += 1;
    let next_id = i.next_id;
    let entry = i
        .functions
        .entry(slug.to_string())
        .or_insert_with(|| FakeFunction {
            id: format!("00000000-0000-4000-8000-{next_id:012}"),
            slug: slug.to_string(),
            name: slug.to_string(),
            version: 0,
            status: "ACTIVE".into(),
            created_at: now,
            updated_at: now,
            verify_jwt: true,
            metadata: Value::Null,
            files: Vec::new(),
            ezbr_sha256: String::new(),
            throttled_polls: 0,
        });
    entry.version += 1;
    entry.updated_at = now;
    entry.name = metadata["name"].as_str().unwrap_or(slug).to_string();
    entry.verify_jwt = metadata["verify_jwt"].as_bool().unwrap_or(true);
    entry.metadata = metadata;
    entry.files = files;
    entry.ezbr_sha256 = ezbr;
    entry.throttled_polls = throttled;
    entry.status = if throttled > 0 { "THROTTLED" } else { "ACTIVE" }.into();
    entry.clone()
}

fn function_json(project_ref: &str, f: &FakeFunction) -> Value {
    let entry = f.metadata["entrypoint_path"].as_str().unwrap_or("index.ts");
    let mut v = json!({
        "id": f.id,
        "slug": f.slug,
        "name": f.name,
        "status": f.status,
        "version": f.version,
        "created_at": f.created_at,
        "updated_at": f.updated_at,
        "verify_jwt": f.verify_jwt,
        "import_map": f.metadata.get("import_map_path").is_some(),
        "entrypoint_path": format!("file:///tmp/user_fn_{project_ref}_{}_{}/source/{entry}", f.id, f.version),
        "ezbr_sha256": f.ezbr_sha256,
    });
    if let Some(m) = f.metadata.get("import_map_path").and_then(|m| m.as_str()) {
        v["import_map_path"] = json!(format!(
            "file:///tmp/user_fn_{project_ref}_{}_{}/source/{m}",
            f.id, f.version
        ));
    }
    v
}

fn respond(status: u16, body: Option<Value>) -> (u16, Option<Value>, HeaderMap) {
    (status, body, HeaderMap::new())
}

fn bad_request(msg: String) -> (u16, Option<Value>, HeaderMap) {
    respond(400, Some(json!({ "message": msg })))
}

async fn handle(State(shared): State<Arc<Shared>>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let bytes = to_bytes(body, 64 * 1024 * 1024).await.unwrap_or_default();
    let method = parts.method.clone();
    let path = parts.uri.path().to_string();
    let query = parts.uri.query().map(String::from);
    let headers: Vec<(String, String)> = parts
        .headers
        .iter()
        .map(|(k, v)| {
            (
                k.to_string(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();

    let (status, body, extra_headers, delay) = process(
        &shared,
        &parts.method,
        &parts.headers,
        &path,
        query.as_deref(),
        &bytes,
    )
    .await;

    {
        let mut i = shared.inner.lock().unwrap_or_else(|p| p.into_inner());
        i.log.push(LoggedRequest {
            method: method.to_string(),
            path: path.clone(),
            query: query.clone(),
            headers,
            body: bytes.to_vec(),
            status,
            at: Instant::now(),
        });
    }
    if let Some(d) = delay {
        tokio::time::sleep(d).await;
    }
    let mut resp = Response::builder().status(status);
    for (k, v) in extra_headers.iter() {
        resp = resp.header(k, v);
    }
    match body {
        Some(b) => resp
            .header("content-type", "application/json")
            .body(Body::from(b.to_string())),
        None => resp.body(Body::empty()),
    }
    .unwrap_or_else(|_| Response::new(Body::empty()))
}

/// Validates, applies faults, serves, validates the answer.
async fn process(
    shared: &Shared,
    method: &Method,
    headers: &HeaderMap,
    path: &str,
    query: Option<&str>,
    bytes: &[u8],
) -> (u16, Option<Value>, HeaderMap, Option<Duration>) {
    let violation = |msg: String| {
        let mut i = shared.inner.lock().unwrap_or_else(|p| p.into_inner());
        i.violations.push(format!("{method} {path}: {msg}"));
    };
    let Some((template, op, path_params)) = operation(method, path) else {
        violation("no such operation in the OpenAPI document".into());
        return (
            404,
            Some(json!({"message": "no such operation"})),
            HeaderMap::new(),
            None,
        );
    };
    let served = [
        ("get", "/v1/projects/{ref}/functions"),
        ("get", "/v1/projects/{ref}/functions/{function_slug}"),
        ("delete", "/v1/projects/{ref}/functions/{function_slug}"),
        ("post", "/v1/projects/{ref}/functions/deploy"),
        ("get", "/v1/projects/{ref}/secrets"),
        ("post", "/v1/projects/{ref}/secrets"),
        ("delete", "/v1/projects/{ref}/secrets"),
    ];
    let m = method.as_str().to_ascii_lowercase();
    if !served.iter().any(|(sm, sp)| *sm == m && *sp == template) {
        violation(format!(
            "{template} is documented but supaform should not call it"
        ));
        return (404, None, HeaderMap::new(), None);
    }
    let qp = query_pairs(query);

    // Faults first: a rate limiter or a broken server answers before looking at anything.
    let mut delay = None;
    {
        let mut i = shared.inner.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((d, n)) = i.faults.slow {
            if n > 0 {
                delay = Some(d);
                i.faults.slow = if n > 1 { Some((d, n - 1)) } else { None };
            }
        }
        if i.faults.rate_limit_next > 0 {
            i.faults.rate_limit_next -= 1;
            let mut h = HeaderMap::new();
            h.insert("x-ratelimit-limit", HeaderValue::from_static("120"));
            h.insert("x-ratelimit-remaining", HeaderValue::from_static("0"));
            h.insert(
                "x-ratelimit-reset",
                HeaderValue::from_str(&i.faults.rate_limit_reset_secs.to_string())
                    .unwrap_or(HeaderValue::from_static("1")),
            );
            drop(i);
            return finish(shared, op, method, path, (429, None, h), delay);
        }
        if i.faults.echo_auth_next > 0 {
            i.faults.echo_auth_next -= 1;
            drop(i);
            let auth = headers
                .get("authorization")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            return finish(
                shared,
                op,
                method,
                path,
                respond(
                    500,
                    Some(json!({"message": format!("cannot parse header `{auth}`")})),
                ),
                delay,
            );
        }
        if i.faults.server_error_next > 0 {
            i.faults.server_error_next -= 1;
            drop(i);
            return finish(
                shared,
                op,
                method,
                path,
                respond(500, Some(json!({"message": "Internal server error"}))),
                delay,
            );
        }
    }

    // Authentication.
    let auth = headers.get("authorization").and_then(|v| v.to_str().ok());
    if auth != Some(&format!("Bearer {TOKEN}")) {
        return finish(
            shared,
            op,
            method,
            path,
            respond(401, Some(json!({"message": "Unauthorized"}))),
            delay,
        );
    }

    // Request validation.
    if let Err(e) = check_params(op, &path_params, &qp) {
        violation(format!("request: {e}"));
        return finish(shared, op, method, path, bad_request(e), delay);
    }
    let body_value = match request_body(op, headers, bytes).await {
        Ok(v) => v,
        Err(e) => {
            violation(format!("request body: {e}"));
            return finish(shared, op, method, path, bad_request(e), delay);
        }
    };

    if path_params.get("ref").map(String::as_str) != Some(shared.project_ref.as_str()) {
        return finish(
            shared,
            op,
            method,
            path,
            respond(404, Some(json!({"message": "Project not found"}))),
            delay,
        );
    }
    let result = serve(shared, &template, &m, &path_params, &qp, body_value);
    finish(shared, op, method, path, result, delay)
}

/// Reads and validates the request body against the operation's `requestBody`.
/// Multipart bodies become `{ "metadata": <json>, "file": [<file name>…] }` (plus the
/// files' contents under `_files`, which the schema does not see).
async fn request_body(
    op: &Value,
    headers: &HeaderMap,
    bytes: &[u8],
) -> Result<Option<Value>, String> {
    let Some(rb) = op.get("requestBody") else {
        if bytes.is_empty() {
            return Ok(None);
        }
        return Err("a body was sent to an operation that takes none".into());
    };
    let ct = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let mime = ct.split(';').next().unwrap_or("").trim().to_string();
    let Some(media) = rb["content"].get(&mime) else {
        return Err(format!("content type `{ct}` is not one the document lists"));
    };
    if bytes.is_empty() {
        if rb["required"].as_bool() == Some(true) {
            return Err("the body is required".into());
        }
        return Ok(None);
    }
    let schema = &media["schema"];
    if mime == "application/json" {
        let v: Value = serde_json::from_slice(bytes).map_err(|e| format!("not JSON: {e}"))?;
        check(schema, &v, "body")?;
        return Ok(Some(v));
    }
    if mime == "multipart/form-data" {
        let req = Request::builder()
            .header("content-type", ct)
            .body(Body::from(bytes.to_vec()))
            .map_err(|e| e.to_string())?;
        let mut mp = Multipart::from_request(req, &())
            .await
            .map_err(|e| e.to_string())?;
        let mut metadata: Option<Value> = None;
        let mut names = Vec::new();
        let mut files = Vec::new();
        while let Some(field) = mp.next_field().await.map_err(|e| e.to_string())? {
            let name = field.name().unwrap_or("").to_string();
            let file_name = field.file_name().map(String::from);
            let data = field.bytes().await.map_err(|e| e.to_string())?;
            match name.as_str() {
                "metadata" => {
                    if metadata.is_some() {
                        return Err("two metadata parts".into());
                    }
                    metadata = Some(
                        serde_json::from_slice(&data)
                            .map_err(|e| format!("metadata is not JSON: {e}"))?,
                    );
                }
                "file" => {
                    let Some(fname) = file_name else {
                        return Err("a file part without a file name".into());
                    };
                    names.push(json!(fname.clone()));
                    files.push(json!([fname, String::from_utf8_lossy(&data)]));
                }
                other => return Err(format!("unexpected part `{other}`")),
            }
        }
        let mut v = json!({ "file": names });
        if let Some(m) = metadata {
            v["metadata"] = m;
        }
        check(schema, &v, "multipart body")?;
        v["_files"] = Value::Array(files);
        return Ok(Some(v));
    }
    Err(format!("the fake cannot read `{mime}`"))
}

fn serve(
    shared: &Shared,
    template: &str,
    method: &str,
    path_params: &BTreeMap<String, String>,
    query: &BTreeMap<String, String>,
    body: Option<Value>,
) -> (u16, Option<Value>, HeaderMap) {
    let mut i = shared.inner.lock().unwrap_or_else(|p| p.into_inner());
    let pref = shared.project_ref.as_str();
    match (method, template) {
        ("get", "/v1/projects/{ref}/functions") => {
            let list: Vec<Value> = i
                .functions
                .values()
                .map(|f| function_json(pref, f))
                .collect();
            respond(200, Some(Value::Array(list)))
        }
        ("get", "/v1/projects/{ref}/functions/{function_slug}") => {
            let slug = &path_params["function_slug"];
            match i.functions.get_mut(slug) {
                Some(f) => {
                    if f.throttled_polls > 0 {
                        f.throttled_polls -= 1;
                    } else {
                        f.status = "ACTIVE".into();
                    }
                    let v = function_json(pref, f);
                    respond(200, Some(v))
                }
                None => respond(404, Some(json!({"message": "Function not found"}))),
            }
        }
        ("delete", "/v1/projects/{ref}/functions/{function_slug}") => {
            let slug = &path_params["function_slug"];
            match i.functions.remove(slug) {
                Some(_) => respond(200, None),
                None => respond(404, Some(json!({"message": "Function not found"}))),
            }
        }
        ("post", "/v1/projects/{ref}/functions/deploy") => {
            let Some(slug) = query.get("slug").cloned() else {
                return bad_request("the fake needs ?slug=".into());
            };
            if !i.deployed_slugs.contains(&slug) {
                i.deployed_slugs.push(slug.clone());
                let n = i.deployed_slugs.len();
                if i.faults.fail_deploy_from.is_some_and(|k| n == k) {
                    i.faults.failing_slugs.push(slug.clone());
                }
            }
            if i.faults.failing_slugs.contains(&slug) {
                return respond(500, Some(json!({"message": "Failed to deploy function"})));
            }
            let body = body.unwrap_or(Value::Null);
            let files: Vec<(String, Vec<u8>)> = body["_files"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|f| {
                    (
                        f[0].as_str().unwrap_or("").to_string(),
                        f[1].as_str().unwrap_or("").as_bytes().to_vec(),
                    )
                })
                .collect();
            let f = upsert(&mut i, &slug, body["metadata"].clone(), files);
            let mut v = function_json(pref, &f);
            // The deploy answer's schema has no created_at requirement; keep it anyway.
            v["status"] = json!(f.status);
            respond(201, Some(v))
        }
        ("get", "/v1/projects/{ref}/secrets") => {
            let list: Vec<Value> = i
                .secrets
                .iter()
                .map(|(n, v)| json!({"name": n, "value": sha256_hex(v.as_bytes())}))
                .collect();
            respond(200, Some(Value::Array(list)))
        }
        ("post", "/v1/projects/{ref}/secrets") => {
            for s in body.unwrap_or(Value::Null).as_array().into_iter().flatten() {
                let n = s["name"].as_str().unwrap_or_default().to_string();
                let v = s["value"].as_str().unwrap_or_default().to_string();
                i.secrets.insert(n, v);
            }
            respond(201, None)
        }
        ("delete", "/v1/projects/{ref}/secrets") => {
            for n in body.unwrap_or(Value::Null).as_array().into_iter().flatten() {
                if let Some(n) = n.as_str() {
                    i.secrets.remove(n);
                }
            }
            respond(200, None)
        }
        _ => respond(404, None),
    }
}

/// Checks the answer against the document: a documented status (or 404, see the module
/// documentation) and a body matching its schema.
fn finish(
    shared: &Shared,
    op: &Value,
    method: &Method,
    path: &str,
    (status, body, headers): (u16, Option<Value>, HeaderMap),
    delay: Option<Duration>,
) -> (u16, Option<Value>, HeaderMap, Option<Duration>) {
    let code = status.to_string();
    let documented = op["responses"].get(&code);
    let mut problem = None;
    match documented {
        None if status == 404 || status == 400 => {}
        None => problem = Some(format!("status {status} is not documented")),
        Some(r) => match (r["content"].get("application/json"), &body) {
            (Some(media), Some(b)) => {
                if let Err(e) = check(&media["schema"], b, "response") {
                    problem = Some(e);
                }
            }
            (Some(_), None) => problem = Some(format!("status {status} must have a body")),
            (None, _) => {}
        },
    }
    if let Some(p) = problem {
        let mut i = shared.inner.lock().unwrap_or_else(|p| p.into_inner());
        i.violations.push(format!("{method} {path}: response: {p}"));
    }
    let _ = StatusCode::from_u16(status);
    (status, body, headers, delay)
}
