//! Normalisation: the desired model is created in a throwaway database of a dev Postgres
//! (the embedded one) and read back with the same introspector used on live, so SQL text
//! (defaults, checks, policies, view queries) compares in Postgres' own spelling.
//! Errors Postgres raises there are reported at the HCL attribute that caused them.

use crate::config::{Config, Diag, Diagnostics, SourceMap, Span};
use crate::introspect::CreatorDefaults;
use crate::introspect::{introspect, IntrospectOptions};
use crate::model::*;
use crate::plan::ddl;
use miette::Diagnostic;
use std::sync::atomic::{AtomicUsize, Ordering};
use thiserror::Error;

#[derive(Debug, Error, Diagnostic)]
pub enum NormalizeError {
    #[error(transparent)]
    #[diagnostic(transparent)]
    Local(#[from] crate::local::LocalError),
    #[error(transparent)]
    #[diagnostic(transparent)]
    Db(#[from] crate::db::DbError),
    #[error(transparent)]
    #[diagnostic(transparent)]
    Introspect(#[from] crate::introspect::IntrospectError),
    /// Postgres rejected the configuration; each diagnostic points at the HCL.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Rejected(Diagnostics),
    #[error("the dev database failed: {0}")]
    #[diagnostic(code(supaform::normalize::dev_database))]
    Dev(String),
}

/// The desired state in Postgres' spelling, and the dev server's version.
pub struct Normalized {
    pub model: Model,
    pub server_version_num: i32,
}

/// Create `cfg`'s objects in a fresh database of the dev server (the embedded Postgres, or
/// `--dev-url`) and read them back.
/// The database is dropped afterwards, whatever happens.
pub async fn normalize(
    cfg: &Config,
    opts: &IntrospectOptions,
    local: &crate::local::LocalOptions,
) -> Result<Normalized, NormalizeError> {
    normalize_for(cfg, opts, local, &TargetContext::default()).await
}

/// What normalisation takes from the target, read before it starts.
#[derive(Debug, Clone, Default)]
pub struct TargetContext {
    /// The target's creating role and its default privileges (empty `user`: keep the dev
    /// database's own, Supabase's stock defaults).
    pub creator: CreatorDefaults,
    /// DDL of stand-ins for the platform objects the configuration names
    /// (`introspect::platform`).
    pub stand_ins: Vec<String>,
}

/// [`normalize`] for a target: the throwaway database is first given stand-ins of the
/// platform objects the configuration names, as the target has them, and the default
/// privileges of the target's creating role (with the configuration's
/// `default_privileges` blocks for that role in place of the target's), so the objects
/// read back carry the grants they will receive there.
pub async fn normalize_for(
    cfg: &Config,
    opts: &IntrospectOptions,
    local: &crate::local::LocalOptions,
    target: &TargetContext,
) -> Result<Normalized, NormalizeError> {
    static N: AtomicUsize = AtomicUsize::new(0);
    let inst = crate::local::dev_server(local).await?;
    // The same configuration on the same dev server normalises the same way: a result is
    // kept in the cache directory, keyed by everything it depends on.
    let cache = cache_path(&inst, cfg, opts, target);
    if let Some(hit) = cache.as_deref().and_then(read_cache) {
        return Ok(Normalized {
            model: carry_over(&cfg.model, hit.model),
            server_version_num: hit.server_version_num,
        });
    }
    let name = format!(
        "supaform_norm_{}_{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    );
    let url = inst.create_scratch_database(&name).await?;
    let result = normalize_in(&url, cfg, opts, target).await;
    let _ = inst.drop_database(&name).await;
    if let (Ok(n), Some(path)) = (&result, &cache) {
        let entry = CacheEntry {
            model: n.model.clone(),
            server_version_num: n.server_version_num,
        };
        if let Ok(json) = serde_json::to_vec(&entry) {
            let _ = crate::util::write_atomic(path, &json);
        }
    }
    result
}

/// Whether [`normalize`] would answer from the cache (no throwaway database needed).
pub async fn is_cached(
    cfg: &Config,
    opts: &IntrospectOptions,
    local: &crate::local::LocalOptions,
    target: &TargetContext,
) -> Result<bool, NormalizeError> {
    let inst = crate::local::dev_server(local).await?;
    Ok(cache_path(&inst, cfg, opts, target).is_some_and(|p| p.is_file()))
}

#[derive(serde::Serialize, serde::Deserialize)]
struct CacheEntry {
    model: Model,
    server_version_num: i32,
}

/// `<cache dir>/normalized/<key>.json`, the key a blake3 of supaform's version and sources, the dev
/// server's major version, the introspection options and the desired model (secret values
/// serialise as `(sensitive)`: they are neither in the key nor in the file; what the
/// database does not keep is taken from the configuration again on a hit). `None` when
/// `SUPAFORM_NO_NORMALIZE_CACHE` is set.
pub fn cache_path(
    inst: &crate::local::DevServer,
    cfg: &Config,
    opts: &IntrospectOptions,
    target: &TargetContext,
) -> Option<std::path::PathBuf> {
    if std::env::var_os("SUPAFORM_NO_NORMALIZE_CACHE").is_some() {
        return None;
    }
    let mut h = blake3::Hasher::new();
    h.update(env!("CARGO_PKG_VERSION").as_bytes());
    h.update(env!("SUPAFORM_SOURCE_HASH").as_bytes());
    h.update(&inst.major_version().to_le_bytes());
    h.update(inst.identity().as_bytes());
    h.update(format!("{:?}|{:?}", opts.schemas, opts.managed_roles).as_bytes());
    h.update(&serde_json::to_vec(&cfg.model).ok()?);
    h.update(format!("{:?}", cfg.model.grant_scope).as_bytes());
    h.update(format!("{target:?}").as_bytes());
    Some(
        inst.cache_dir()
            .join("normalized")
            .join(format!("{}.json", h.finalize().to_hex())),
    )
}

fn read_cache(path: &std::path::Path) -> Option<CacheEntry> {
    let bytes = std::fs::read(path).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// Normalise into an existing, empty, Supabase-like database at `url`.
pub async fn normalize_in(
    url: &str,
    cfg: &Config,
    opts: &IntrospectOptions,
    target: &TargetContext,
) -> Result<Normalized, NormalizeError> {
    let client = crate::db::connect(url).await?;
    let desired = &cfg.model;
    client
        .batch_execute("SET check_function_bodies = off")
        .await
        .map_err(|e| NormalizeError::Dev(e.to_string()))?;
    // Stand-ins of the platform objects the configuration names that the dev database lacks.
    crate::introspect::platform::create(&client, &target.stand_ins).await;
    crate::db::ensure_roles(&client, desired.roles_named())
        .await
        .map_err(|e| NormalizeError::Dev(e.to_string()))?;
    if !target.creator.user.is_empty() {
        mirror_defaults(&client, cfg, opts, &target.creator).await?;
    }
    let mut diags = Diagnostics::default();
    let statements = ddl::create_model_annotated(desired);
    // Fast path: everything in one round trip and one transaction. Only when Postgres
    // rejects something is it run again statement by statement, to say which one.
    let mut batch = String::from("BEGIN;\n");
    for (_, stmt) in &statements {
        // A newline before the `;`: a statement may end in a `--` comment.
        batch.push_str(stmt);
        batch.push_str("\n;\n");
    }
    batch.push_str("COMMIT;");
    let fast = client.batch_execute(&batch).await.is_ok();
    if !fast {
        let _ = client.batch_execute("ROLLBACK").await;
    }
    // An object whose dependency Postgres rejected is not tried: its own error would only
    // repeat the first one ("relation does not exist").
    let mut failed: std::collections::BTreeSet<Address> = Default::default();
    for (addr, stmt) in statements.into_iter().filter(|_| !fast) {
        let owner = match &addr {
            Address::TablePart(t, _, _) => Address::Table(t.clone()),
            a => a.clone(),
        };
        let blocked = failed.contains(&owner)
            || cfg
                .graph
                .dependencies(&addr)
                .iter()
                .chain(cfg.graph.dependencies(&owner).iter())
                .any(|d| failed.contains(d));
        if blocked {
            failed.insert(addr);
            continue;
        }
        if let Err(e) = client.batch_execute(&stmt).await {
            diags.push(rejected(cfg, &addr, &stmt, &e));
            failed.insert(addr);
            failed.insert(owner);
        }
    }
    // Function bodies are checked once everything they may use exists.
    client
        .batch_execute("SET check_function_bodies = on")
        .await
        .map_err(|e| NormalizeError::Dev(e.to_string()))?;
    if diags.is_empty() && !desired.functions.is_empty() {
        let all: Vec<String> = desired
            .functions
            .values()
            .map(|f| ddl::create_function(f, true))
            .collect();
        let batch = format!("BEGIN;\n{}\n;\nCOMMIT;", all.join("\n;\n"));
        if client.batch_execute(&batch).await.is_err() {
            let _ = client.batch_execute("ROLLBACK").await;
            for f in desired.functions.values() {
                let stmt = ddl::create_function(f, true);
                if let Err(e) = client.batch_execute(&stmt).await {
                    diags.push(rejected(cfg, &Address::Function(f.key()), &stmt, &e));
                }
            }
        }
    }
    if !diags.is_empty() {
        return Err(NormalizeError::Rejected(diags.attach(&cfg.sources)));
    }
    let live = introspect(&client, opts).await?;
    Ok(Normalized {
        model: carry_over(desired, live.model),
        server_version_num: live.server_version_num,
    })
}

/// Give the dev database's creating role the default privileges `target`'s has (see
/// [`normalize_for`]). An entry naming a role the dev server lacks is skipped: that role's
/// grants are then not normalised, which only matters for roles outside `managed_roles`.
async fn mirror_defaults(
    client: &tokio_postgres::Client,
    cfg: &Config,
    opts: &IntrospectOptions,
    target: &CreatorDefaults,
) -> Result<(), NormalizeError> {
    let dev = crate::introspect::creator_defaults(client, opts).await?;
    let mut stmts: Vec<String> = cfg.model.schemas.values().map(ddl::create_schema).collect();
    stmts.extend(
        dev.own()
            .map(|d| ddl::alter_default_privileges(d, false, Some(&dev.user))),
    );
    let declared: Vec<&crate::model::DefaultPrivilege> = cfg
        .model
        .default_privileges
        .iter()
        .filter(|d| d.owner == target.user && d.schema.is_some())
        .collect();
    let same = |a: &crate::model::DefaultPrivilege, b: &crate::model::DefaultPrivilege| {
        a.schema == b.schema && a.on == b.on && a.role == b.role
    };
    let effective = target
        .own()
        .filter(|t| !declared.iter().any(|d| same(d, t)))
        .chain(declared.iter().copied())
        .filter(|d| !d.privileges.is_empty());
    stmts.extend(effective.map(|d| ddl::alter_default_privileges(d, true, Some(&dev.user))));
    for s in stmts {
        let _ = client.batch_execute(&s).await;
    }
    Ok(())
}

/// What the database does not keep (renames, protections, API objects, the project) comes
/// from the config; what the dev database holds beyond the config (its own extensions and
/// default privileges) is not desired.
fn carry_over(desired: &Model, mut m: Model) -> Model {
    m.project = desired.project.clone();
    m.environments = desired.environments.clone();
    m.secrets = desired.secrets.clone();
    m.edge_functions = desired.edge_functions.clone();
    m.default_privileges = desired.default_privileges.clone();
    // Managed grants are exactly what the config declares; the others are what the
    // database gave the new objects.
    if let Some(scope) = &desired.grant_scope {
        m.grants
            .retain(|g| !scope.contains(&(g.target.clone(), g.role.clone(), g.columns.clone())));
        m.grants.extend(
            desired
                .grants
                .iter()
                .filter(|g| !g.privileges.is_empty())
                .cloned(),
        );
    }
    m.grant_scope = desired.grant_scope.clone();
    m.extensions
        .retain(|k, _| desired.extensions.contains_key(k));
    for (k, e) in &mut m.extensions {
        if let Some(d) = desired.extensions.get(k) {
            // Only a version the config pins is desired.
            if d.version.is_none() {
                e.version = None;
            }
        }
    }
    m.schemas.retain(|k, _| desired.schemas.contains_key(k));
    for (k, e) in &mut m.enums {
        if let Some(d) = desired.enums.get(k) {
            e.renamed_from = d.renamed_from.clone();
            e.renamed_values = d.renamed_values.clone();
        }
    }
    for (k, t) in &mut m.tables {
        if let Some(d) = desired.tables.get(k) {
            t.renamed_from = d.renamed_from.clone();
            t.prevent_destroy = d.prevent_destroy;
            t.realtime = d.realtime;
            for c in &mut t.columns {
                if let Some(dc) = d.column(&c.name) {
                    c.renamed_from = dc.renamed_from.clone();
                }
            }
        }
    }
    for (k, p) in &mut m.policies {
        if let Some(d) = desired.policies.get(k) {
            p.renamed_from = d.renamed_from.clone();
        }
    }
    for (k, f) in &mut m.functions {
        if let Some(d) = desired.functions.get(k) {
            f.renamed_from = d.renamed_from.clone();
        }
    }
    m.normalize();
    m
}

/// Postgres' error for `stmt`, reported at the HCL that produced the offending text.
fn rejected(cfg: &Config, addr: &Address, stmt: &str, e: &tokio_postgres::Error) -> Diag {
    let (message, position, hint, detail) = match e.as_db_error() {
        Some(db) => (
            db.message().to_string(),
            match db.position() {
                Some(tokio_postgres::error::ErrorPosition::Original(p)) => Some(*p as usize),
                _ => None,
            },
            db.hint().map(str::to_string),
            db.detail().map(str::to_string),
        ),
        None => (e.to_string(), None, None, None),
    };
    let candidates = candidates(&cfg.model, addr);
    // The character Postgres points at, as a byte offset into the statement.
    let at = position.and_then(|p| stmt.char_indices().nth(p.saturating_sub(1)).map(|(i, _)| i));
    let hit = at.and_then(|at| {
        candidates.iter().find(|(_, _, text)| {
            !text.is_empty()
                && stmt
                    .match_indices(text.as_str())
                    .any(|(i, m)| i <= at && at < i + m.len().max(1))
        })
    });
    // Without a position, the first expression that names what Postgres complains about.
    let hit = hit.or_else(|| {
        let quoted: Vec<&str> = message.split('"').skip(1).step_by(2).collect();
        candidates
            .iter()
            .find(|(_, _, text)| quoted.iter().any(|q| !q.is_empty() && text.contains(q)))
    });
    let span = hit
        .and_then(|(a, attr, _)| find_span(&cfg.spans, a, attr))
        .or_else(|| find_span(&cfg.spans, &addr.to_string(), ""));
    let what = match hit {
        Some((_, attr, _)) => format!("`{attr}` of {addr}"),
        None => addr.to_string(),
    };
    let mut d = Diag::new(
        "normalize::rejected",
        format!("Postgres rejected {what}: {message}"),
    );
    if let Some(span) = span {
        d = d.at(&span, "Postgres rejected this");
    }
    let mut help = vec![];
    if let Some(h) = hint {
        help.push(h);
    }
    if let Some(x) = detail {
        help.push(x);
    }
    if !help.is_empty() {
        d = d.help(help.join("; "));
    }
    d
}

fn find_span(spans: &SourceMap, addr: &str, attr: &str) -> Option<Span> {
    spans.get(&(addr.to_string(), attr.to_string())).cloned()
}

/// The user-written SQL fragments of the object at `addr`: (address, attribute, text).
fn candidates(m: &Model, addr: &Address) -> Vec<(String, &'static str, String)> {
    let mut out = Vec::new();
    let col =
        |t: &QName, c: &str| Address::TablePart(t.clone(), "column", c.to_string()).to_string();
    let table = |t: &Table, out: &mut Vec<(String, &'static str, String)>| {
        for c in &t.columns {
            out.push((col(&t.name, &c.name), "type", c.data_type.clone()));
            if let Some(DefaultValue::Sql(e)) = &c.default {
                out.push((col(&t.name, &c.name), "default", e.clone()));
            }
            if let Some(DefaultValue::Literal(_)) = &c.default {
                out.push((
                    col(&t.name, &c.name),
                    "default",
                    c.default.as_ref().map(|d| d.to_sql()).unwrap_or_default(),
                ));
            }
            if let Some(g) = &c.generated {
                out.push((col(&t.name, &c.name), "generated", g.clone()));
            }
        }
        for k in &t.checks {
            out.push((
                Address::TablePart(t.name.clone(), "check", k.name.clone()).to_string(),
                "expression",
                k.expression.clone(),
            ));
        }
    };
    match addr {
        Address::Table(q) => {
            if let Some(t) = m.tables.get(q) {
                table(t, &mut out);
            }
        }
        Address::TablePart(q, "index", name) => {
            if let Some(i) = m
                .tables
                .get(q)
                .and_then(|t| t.indexes.iter().find(|i| &i.name == name))
            {
                for p in &i.parts {
                    if let IndexPart::Expression(e) = p {
                        out.push((addr.to_string(), "expressions", e.clone()));
                    }
                }
                if let Some(p) = &i.predicate {
                    out.push((addr.to_string(), "where", p.clone()));
                }
            }
        }
        Address::TablePart(q, "foreign_key", _) => {
            out.push((addr.to_string(), "references", String::new()));
            let _ = q;
        }
        Address::Policy(t, n) => {
            if let Some(p) = m.policies.get(&(t.clone(), n.clone())) {
                if let Some(u) = &p.using {
                    out.push((addr.to_string(), "using", u.clone()));
                }
                if let Some(c) = &p.check {
                    out.push((addr.to_string(), "check", c.clone()));
                }
            }
        }
        Address::View(q) => {
            if let Some(v) = m.views.get(q) {
                out.push((
                    addr.to_string(),
                    "query",
                    v.query.trim().trim_end_matches(';').trim_end().to_string(),
                ));
            }
        }
        Address::Function(q) => {
            if let Some(f) = m.functions.get(q) {
                out.push((addr.to_string(), "body", f.body.clone()));
                out.push((addr.to_string(), "returns", f.returns.clone()));
            }
        }
        Address::Trigger(t, n) => {
            if let Some(tr) = m.triggers.get(&(t.clone(), n.clone())) {
                if let Some(w) = &tr.when {
                    out.push((addr.to_string(), "when", w.clone()));
                }
            }
        }
        _ => {}
    }
    out
}
