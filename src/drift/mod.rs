//! Drift: a three-way report for one environment, computed as data.
//!
//! - **Out-of-band changes**: live differs from what the state says supaform applied. For
//!   every owned address, the live object's fingerprint ([`state::object_fingerprint`]) is
//!   compared with the one the state recorded; an owned object missing live was deleted
//!   outside supaform. Edge Functions whose remote version or bundle digest differs from the
//!   one recorded at the last deploy were deployed by hand; a secret whose remote digest
//!   differs from the digest of the configured value was changed (nothing about the value
//!   is ever reported, not even its digest).
//! - **Pending changes**: the plan's steps (the configuration differs from live).
//! - **Unmanaged objects**: live objects in managed schemas that are in neither the state
//!   nor the configuration (the plan's `unmanaged`).
//!
//! Risk rules of out-of-band changes (documented in `docs/architecture.md`):
//!
//! | what changed outside supaform | risk |
//! |---|---|
//! | RLS disabled on a table, a table or column dropped, a policy dropped, a policy loosened (its `using`/`check` became `true`, it became permissive, or it now applies to `anon`/`public`) | dangerous |
//! | an Edge Function or a secret deleted | dangerous |
//! | any other change or deletion (a column added or altered, an index, a constraint, RLS forced, a grant, an enum value, a function body, a trigger, a view, a comment, an extension) | caution |
//! | an Edge Function redeployed by hand, a secret changed | caution |
//! | a policy, trigger or grant gone with a table dropped outside supaform | caution (the table carries the danger) |
//!
//! Unmanaged objects: a policy is caution (it may widen who sees what), anything else safe.
//! Pending changes carry their step's risk.

use crate::functions::{RemoteFunction, RemoteSecret};
use crate::model::{Address, Model};
use crate::plan::{Plan, Risk};
use crate::state::State;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// The drift report of one environment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DriftReport {
    /// Version of this format (1).
    pub format_version: u32,
    pub environment: String,
    /// Whether a state exists (without one, nothing is known to be owned and there can be no
    /// out-of-band change).
    pub has_state: bool,
    /// Out-of-band changes first, then pending changes, then unmanaged objects.
    pub items: Vec<DriftItem>,
}

/// One drifted object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DriftItem {
    /// Canonical address (`table.public.notes`).
    pub address: String,
    /// Block kind (`table`, `policy`, `edge_function`, …).
    pub kind: String,
    pub category: Category,
    /// Terraform's symbol for what happened or would happen: `~` changed, `-` deleted,
    /// `+` created, `-/+` replaced, `>` renamed, `?` unmanaged.
    pub symbol: String,
    /// What happened, in one line.
    pub summary: String,
    pub risk: Risk,
    /// Why the risk is what it is.
    pub reason: String,
    /// The leaves that differ: `rls.enabled: true → false`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<String>,
    /// Out-of-band: the object as the state recorded it (only the parts that differ);
    /// pending: the step's summary. `null` when there is nothing to show.
    pub before: Value,
    /// Out-of-band: the object live (only the parts that differ); pending: the step's SQL;
    /// unmanaged: the object live.
    pub after: Value,
}

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// Live differs from what supaform applied (the state).
    OutOfBand,
    /// The configuration differs from live: `apply` would change it.
    Pending,
    /// Live, in a managed schema, in neither the state nor the configuration.
    Unmanaged,
}

impl Category {
    pub fn as_str(self) -> &'static str {
        match self {
            Category::OutOfBand => "out-of-band",
            Category::Pending => "pending",
            Category::Unmanaged => "unmanaged",
        }
    }
}

impl DriftReport {
    pub fn is_clean(&self) -> bool {
        self.items.is_empty()
    }

    pub fn of(&self, c: Category) -> impl Iterator<Item = &DriftItem> {
        self.items.iter().filter(move |i| i.category == c)
    }

    pub fn count(&self, c: Category) -> usize {
        self.of(c).count()
    }
}

/// What the Management API (or a functions directory) holds, and the digests of the
/// configured secret values (`None` when the value is not available here).
#[derive(Debug, Clone, Default)]
pub struct RemoteView {
    pub functions: Vec<RemoteFunction>,
    pub secrets: Vec<RemoteSecret>,
    pub secret_digests: BTreeMap<String, Option<String>>,
}

/// Every live address of `live`, by its canonical string.
fn live_addresses(live: &Model) -> BTreeMap<String, Address> {
    live.addresses()
        .into_iter()
        .map(|a| (a.to_string(), a))
        .collect()
}

/// The live objects by address, for many look-ups: grants are grouped once (by target and
/// role), instead of scanning every grant for every grant address.
pub struct LiveIndex<'a> {
    live: &'a Model,
    addrs: BTreeMap<String, Address>,
    grants: BTreeMap<String, Vec<&'a crate::model::Grant>>,
}

impl<'a> LiveIndex<'a> {
    pub fn new(live: &'a Model) -> LiveIndex<'a> {
        let mut grants: BTreeMap<String, Vec<&crate::model::Grant>> = BTreeMap::new();
        for g in &live.grants {
            grants
                .entry(Address::Grant(g.target.clone(), g.role.clone()).to_string())
                .or_default()
                .push(g);
        }
        LiveIndex {
            live,
            addrs: live_addresses(live),
            grants,
        }
    }

    /// The object at `key` as the state records it ([`crate::state::attributes`]); `None`
    /// when live has no object there.
    pub fn attributes(&self, key: &str) -> Option<Value> {
        let addr = self.addrs.get(key)?;
        if let Address::Grant(..) = addr {
            return self
                .grants
                .get(key)
                .and_then(|g| serde_json::to_value(g).ok());
        }
        Some(crate::state::attributes(self.live, addr))
    }
}

/// Out-of-band changes: live (and the remote) against the state. Pure.
pub fn out_of_band(state: &State, live: &Model, remote: Option<&RemoteView>) -> Vec<DriftItem> {
    let index = LiveIndex::new(live);
    let mut out = Vec::new();
    for (key, res) in &state.resources {
        match res.kind.as_str() {
            "secret" => {
                if let Some(item) = remote.and_then(|r| secret_drift(key, r)) {
                    out.push(item);
                }
            }
            "edge_function" => {
                if let Some(item) = remote.and_then(|r| function_drift(key, res, r)) {
                    out.push(item);
                }
            }
            kind => {
                let Some(recorded) = &res.fingerprint else {
                    continue;
                };
                let mut item = match index.attributes(key) {
                    None => deleted(key, kind, &res.attributes),
                    Some(mut now) => {
                        unspecified(&res.attributes, &mut now);
                        if &crate::state::fingerprint(&now) == recorded {
                            continue;
                        }
                        changed(key, kind, &res.attributes, &now)
                    }
                };
                // Grants are managed exactly where a `grant` block declares them; the
                // others (what the database gave a new object) are reported, not reverted.
                if kind == "grant" && res.declared.is_empty() {
                    item.reason = "no grant block manages this object and role, so apply leaves it as it is; declare one to manage it".into();
                }
                out.push(item);
            }
        }
    }
    // Policies, triggers and grants of a table (grants of a function or view) dropped
    // outside supaform went with it: the object's item carries the risk, and apply
    // recreates the object with the privileges a new one receives.
    let parents: Vec<(String, String)> = out
        .iter()
        .filter(|i| ["table", "function", "view"].contains(&i.kind.as_str()) && i.after.is_null())
        .filter_map(|i| {
            let name = i.address.strip_prefix(&format!("{}.", i.kind))?;
            Some((i.kind.clone(), name.to_string()))
        })
        .collect();
    for i in out.iter_mut().filter(|i| i.after.is_null()) {
        let parent = parents.iter().find(|(kind, t)| {
            let parts: &[&str] = if kind == "table" {
                &["policy.", "trigger.", "grant."]
            } else {
                &["grant."]
            };
            parts
                .iter()
                .any(|k| i.address.starts_with(&format!("{k}{t}.")))
        });
        if let Some((kind, t)) = parent {
            i.risk = Risk::Caution;
            i.reason = format!("gone with {kind}.{t}, dropped outside supaform");
        }
    }
    out
}

/// What the configuration left to the server is not drift: an extension declared without a
/// `version` takes whatever version the server installs; a table declared without
/// `realtime` keeps whatever membership of the Realtime publication it has.
fn unspecified(recorded: &Value, live: &mut Value) {
    if let (Some(r), Some(l)) = (recorded.as_object(), live.as_object_mut()) {
        if r.get("version").is_some_and(Value::is_null) && r.contains_key("schema") {
            l.insert("version".into(), Value::Null);
        }
        if r.contains_key("columns") {
            match r.get("realtime") {
                None => {
                    l.remove("realtime");
                }
                Some(Value::Null) => {
                    l.insert("realtime".into(), Value::Null);
                }
                Some(_) => {}
            }
        }
    }
}

fn deleted(key: &str, kind: &str, before: &Value) -> DriftItem {
    let (risk, reason) = match kind {
        "table" => (
            Risk::Dangerous,
            "the table and its rows are gone; apply recreates it empty".to_string(),
        ),
        "policy" => (
            Risk::Dangerous,
            "a policy dropped removes data protection".to_string(),
        ),
        _ => (
            Risk::Caution,
            format!("the {kind} was dropped outside supaform; apply recreates it"),
        ),
    };
    DriftItem {
        address: key.to_string(),
        kind: kind.to_string(),
        category: Category::OutOfBand,
        symbol: "-".into(),
        summary: format!("{kind} deleted outside supaform"),
        risk,
        reason,
        changes: vec![],
        before: before.clone(),
        after: Value::Null,
    }
}

fn changed(key: &str, kind: &str, before: &Value, after: &Value) -> DriftItem {
    let mut changes = Vec::new();
    leaves("", before, after, &mut changes);
    let (b, a) = narrow(before, after);
    let (risk, reason) = classify(kind, before, after);
    DriftItem {
        address: key.to_string(),
        kind: kind.to_string(),
        category: Category::OutOfBand,
        symbol: "~".into(),
        summary: format!("{kind} changed outside supaform"),
        risk,
        reason,
        changes,
        before: b,
        after: a,
    }
}

/// The risk of a change made outside supaform (see the module's table).
fn classify(kind: &str, before: &Value, after: &Value) -> (Risk, String) {
    let flag = |v: &Value, p: &str| v.pointer(p).and_then(Value::as_bool).unwrap_or(false);
    match kind {
        "table" => {
            if flag(before, "/rls/enabled") && !flag(after, "/rls/enabled") {
                return (
                    Risk::Dangerous,
                    "row level security was disabled: every row is exposed to the roles granted the table".into(),
                );
            }
            let names = |v: &Value| -> Vec<String> {
                v.get("columns")
                    .and_then(Value::as_array)
                    .map(|a| {
                        a.iter()
                            .filter_map(|c| c.get("name").and_then(Value::as_str))
                            .map(str::to_string)
                            .collect()
                    })
                    .unwrap_or_default()
            };
            let now = names(after);
            let gone: Vec<String> = names(before)
                .into_iter()
                .filter(|c| !now.contains(c))
                .collect();
            if !gone.is_empty() {
                return (
                    Risk::Dangerous,
                    format!("column(s) {} dropped: their data is gone", gone.join(", ")),
                );
            }
            (
                Risk::Caution,
                "the table's definition changed outside supaform; apply reverts it".into(),
            )
        }
        "policy" => {
            let is_true = |v: &Value, k: &str| {
                v.get(k)
                    .and_then(Value::as_str)
                    .is_some_and(|s| s.trim().trim_matches(|c| c == '(' || c == ')') == "true")
            };
            let loosened_expr = ["using", "check"]
                .iter()
                .any(|k| is_true(after, k) && !is_true(before, k));
            let became_permissive = !flag(before, "/permissive") && flag(after, "/permissive");
            let roles = |v: &Value| -> Vec<String> {
                v.get("roles")
                    .and_then(Value::as_array)
                    .map(|a| {
                        a.iter()
                            .filter_map(Value::as_str)
                            .map(str::to_string)
                            .collect()
                    })
                    .unwrap_or_default()
            };
            let (rb, ra) = (roles(before), roles(after));
            let widened = ["anon", "public"]
                .iter()
                .any(|r| ra.iter().any(|x| x == r) && !rb.iter().any(|x| x == r));
            if loosened_expr || became_permissive || widened {
                (
                    Risk::Dangerous,
                    "the policy was loosened outside supaform: more rows are visible or writable"
                        .into(),
                )
            } else {
                (
                    Risk::Caution,
                    "the policy was edited outside supaform: who sees what changed".into(),
                )
            }
        }
        _ => (
            Risk::Caution,
            format!("the {kind} changed outside supaform; apply reverts it"),
        ),
    }
}

fn secret_drift(key: &str, r: &RemoteView) -> Option<DriftItem> {
    let name = key.strip_prefix("secret.")?;
    let theirs = r.secrets.iter().find(|s| s.name == name);
    let base = |summary: &str, risk: Risk, reason: &str| DriftItem {
        address: key.to_string(),
        kind: "secret".into(),
        category: Category::OutOfBand,
        symbol: if theirs.is_some() { "~" } else { "-" }.into(),
        summary: summary.to_string(),
        risk,
        reason: reason.to_string(),
        changes: vec![],
        before: Value::Null,
        after: Value::Null,
    };
    match theirs {
        None => Some(base(
            "secret deleted outside supaform",
            Risk::Dangerous,
            "Edge Functions reading it fail until it is set again",
        )),
        Some(s) => {
            let mine = r.secret_digests.get(name).cloned().flatten()?;
            (!s.digest.eq_ignore_ascii_case(&mine)).then(|| {
                base(
                    "secret changed outside supaform (its value differs from the configured one)",
                    Risk::Caution,
                    "Edge Functions now read another value; apply sets the configured one again",
                )
            })
        }
    }
}

fn function_drift(key: &str, res: &crate::state::Resource, r: &RemoteView) -> Option<DriftItem> {
    let slug = key.strip_prefix("edge_function.")?;
    let theirs = r.functions.iter().find(|f| f.slug == slug);
    let recorded = serde_json::json!({
        "version": res.version,
        "ezbr_sha256": res.ezbr_sha256,
        "verify_jwt": res.verify_jwt,
    });
    let Some(f) = theirs else {
        return Some(DriftItem {
            address: key.to_string(),
            kind: "edge_function".into(),
            category: Category::OutOfBand,
            symbol: "-".into(),
            summary: "Edge Function deleted outside supaform".into(),
            risk: Risk::Dangerous,
            reason: "its endpoint is gone: callers get 404 until it is deployed again".into(),
            changes: vec![],
            before: recorded,
            after: Value::Null,
        });
    };
    let other_version = res.version.is_some_and(|v| v != f.version);
    let other_bundle = res.ezbr_sha256.is_some() && res.ezbr_sha256 != f.ezbr_sha256;
    let other_jwt =
        res.verify_jwt.is_some() && f.verify_jwt.is_some() && res.verify_jwt != f.verify_jwt;
    if !(other_version || other_bundle || other_jwt) {
        return None;
    }
    let live = serde_json::json!({
        "version": f.version,
        "ezbr_sha256": f.ezbr_sha256,
        "verify_jwt": f.verify_jwt.or(res.verify_jwt),
    });
    let mut changes = Vec::new();
    leaves("", &recorded, &live, &mut changes);
    let (before, after) = narrow(&recorded, &live);
    Some(DriftItem {
        address: key.to_string(),
        kind: "edge_function".into(),
        category: Category::OutOfBand,
        symbol: "~".into(),
        summary: "Edge Function deployed outside supaform".into(),
        risk: Risk::Caution,
        reason: "the code running is not the code supaform deployed; apply deploys the configured sources again".into(),
        changes,
        before,
        after,
    })
}

/// Read what the functions target holds (the Management API or a functions directory) and
/// digest the configured secret values. `None` when the project has neither Edge Functions
/// nor secrets, declared or owned.
pub async fn remote_view(
    cfg: &crate::config::Config,
    env: &crate::model::Environment,
    state: Option<&State>,
) -> miette::Result<Option<RemoteView>> {
    let owned_api = state.is_some_and(|s| {
        s.resources
            .keys()
            .any(|a| a.starts_with("edge_function.") || a.starts_with("secret."))
    });
    if cfg.model.edge_functions.is_empty() && cfg.model.secrets.is_empty() && !owned_api {
        return Ok(None);
    }
    let target = crate::functions::Target::for_environment(env, &cfg.dir)?;
    let (functions, secrets) = tokio::join!(target.list_functions(), target.list_secrets());
    let secret_digests = cfg
        .model
        .secrets
        .iter()
        .map(|(name, s)| {
            (
                name.clone(),
                s.value
                    .as_ref()
                    .map(|v| crate::functions::secret_digest(v.expose())),
            )
        })
        .collect();
    Ok(Some(RemoteView {
        functions: functions?,
        secrets: secrets?,
        secret_digests,
    }))
}

/// The whole report: out-of-band changes, then the plan's steps, then its unmanaged objects.
pub fn report(
    environment: &str,
    state: Option<&State>,
    live: &Model,
    remote: Option<&RemoteView>,
    plan: &Plan,
) -> DriftReport {
    let mut items = match state {
        Some(s) => out_of_band(s, live, remote),
        None => vec![],
    };
    for s in &plan.steps {
        items.push(DriftItem {
            address: s.address.clone(),
            kind: s.address.split('.').next().unwrap_or_default().to_string(),
            category: Category::Pending,
            symbol: s.action.symbol().to_string(),
            summary: s.summary.clone(),
            risk: s.risk,
            reason: s
                .rules
                .iter()
                .map(|r| format!("{} {}", r.rule.code(), r.reason))
                .collect::<Vec<_>>()
                .join("; "),
            changes: vec![],
            before: Value::String(s.summary.clone()),
            after: Value::Array(s.sql.iter().map(|q| Value::String(q.clone())).collect()),
        });
    }
    let addrs = live_addresses(live);
    for u in &plan.unmanaged {
        let kind = u.split(['.', ' ']).next().unwrap_or_default().to_string();
        let after = match addrs.get(u) {
            Some(a) => crate::state::attributes(live, a),
            None => table_part(live, u).unwrap_or(Value::Null),
        };
        let (risk, reason) = if kind == "policy" {
            (
                Risk::Caution,
                "a policy supaform does not manage may widen who sees what".to_string(),
            )
        } else {
            (
                Risk::Safe,
                "left alone; `supaform import` brings it under management".to_string(),
            )
        };
        items.push(DriftItem {
            address: u.clone(),
            kind,
            category: Category::Unmanaged,
            symbol: "?".into(),
            summary: "exists live, managed by neither the configuration nor the state".into(),
            risk,
            reason,
            changes: vec![],
            before: Value::Null,
            after,
        });
    }
    DriftReport {
        format_version: 1,
        environment: environment.to_string(),
        has_state: state.is_some(),
        items,
    }
}

/// `table.<schema>.<name>.<part>.<part name>` of a live table, as JSON.
fn table_part(live: &Model, addr: &str) -> Option<Value> {
    let rest = addr.strip_prefix("table.")?;
    let mut it = rest.splitn(4, '.');
    let (schema, name, part, part_name) = (it.next()?, it.next()?, it.next()?, it.next()?);
    let t = live.tables.get(&crate::model::QName::new(schema, name))?;
    let t = serde_json::to_value(t).ok()?;
    let field = match part {
        "column" => "columns",
        "index" => "indexes",
        "foreign_key" => "foreign_keys",
        "check" => "checks",
        "unique" => "uniques",
        _ => return None,
    };
    t.get(field)?
        .as_array()?
        .iter()
        .find(|x| x.get("name").and_then(Value::as_str) == Some(part_name))
        .cloned()
}

/// Keys of arrays whose elements are named objects: matched by name, not position.
fn element_name(v: &Value) -> Option<String> {
    v.get("name").map(|n| match n {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    })
}

fn named(a: &[Value]) -> Option<Vec<(String, &Value)>> {
    a.iter().map(|x| element_name(x).map(|n| (n, x))).collect()
}

fn compact(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 200 {
        format!("{}…", s.chars().take(200).collect::<String>())
    } else {
        s
    }
}

/// The leaves that differ, as `path: before → after` lines.
fn leaves(path: &str, before: &Value, after: &Value, out: &mut Vec<String>) {
    if before == after {
        return;
    }
    let join = |k: &str| {
        if path.is_empty() {
            k.to_string()
        } else {
            format!("{path}.{k}")
        }
    };
    match (before, after) {
        (Value::Object(b), Value::Object(a)) => {
            let mut keys: Vec<&String> = b.keys().chain(a.keys()).collect();
            keys.sort();
            keys.dedup();
            for k in keys {
                let (x, y) = (
                    b.get(k).unwrap_or(&Value::Null),
                    a.get(k).unwrap_or(&Value::Null),
                );
                leaves(&join(k), x, y, out);
            }
        }
        (Value::Array(b), Value::Array(a)) => match (named(b), named(a)) {
            (Some(nb), Some(na)) => {
                for (n, x) in &nb {
                    match na.iter().find(|(m, _)| m == n) {
                        Some((_, y)) => leaves(&format!("{path}[{n}]"), x, y, out),
                        None => out.push(format!("{path}[{n}]: removed")),
                    }
                }
                for (n, y) in &na {
                    if !nb.iter().any(|(m, _)| m == n) {
                        out.push(format!("{path}[{n}]: added {}", compact(y)));
                    }
                }
            }
            _ if !b.iter().chain(a).all(Value::is_object) => {
                // Scalars (enum values, roles): their order may matter; show both whole.
                let at = if path.is_empty() { "value" } else { path };
                out.push(format!("{at}: {} → {}", compact(before), compact(after)))
            }
            _ => {
                // Unnamed objects (a grant address's grants): what was removed, what added.
                let at = if path.is_empty() { "item" } else { path };
                for x in b.iter().filter(|x| !a.contains(x)) {
                    out.push(format!("{at}: removed {}", compact(x)));
                }
                for y in a.iter().filter(|y| !b.contains(y)) {
                    out.push(format!("{at}: added {}", compact(y)));
                }
            }
        },
        _ => {
            let at = if path.is_empty() { "value" } else { path };
            out.push(format!("{at}: {} → {}", compact(before), compact(after)))
        }
    }
}

/// Only the parts of two objects that differ (named array elements matched by name).
fn narrow(before: &Value, after: &Value) -> (Value, Value) {
    match (before, after) {
        (Value::Object(b), Value::Object(a)) => {
            let mut nb = serde_json::Map::new();
            let mut na = serde_json::Map::new();
            let mut keys: Vec<&String> = b.keys().chain(a.keys()).collect();
            keys.sort();
            keys.dedup();
            for k in keys {
                let (x, y) = (b.get(k), a.get(k));
                if x == y {
                    continue;
                }
                let (x, y) = match (x, y) {
                    (Some(x), Some(y)) => narrow(x, y),
                    (x, y) => (
                        x.cloned().unwrap_or(Value::Null),
                        y.cloned().unwrap_or(Value::Null),
                    ),
                };
                nb.insert(k.clone(), x);
                na.insert(k.clone(), y);
            }
            // Keep the object's name so each side stands alone.
            for (src, dst) in [(b, &mut nb), (a, &mut na)] {
                if let Some(n) = src.get("name") {
                    dst.entry("name".to_string()).or_insert_with(|| n.clone());
                }
            }
            (Value::Object(nb), Value::Object(na))
        }
        (Value::Array(b), Value::Array(a)) => match (named(b), named(a)) {
            (Some(nb), Some(na)) => {
                let keep = |side: &[(String, &Value)], other: &[(String, &Value)]| -> Vec<Value> {
                    side.iter()
                        .filter(|(n, x)| !other.iter().any(|(m, y)| m == n && y == x))
                        .map(|(_, x)| (*x).clone())
                        .collect()
                };
                (Value::Array(keep(&nb, &na)), Value::Array(keep(&na, &nb)))
            }
            _ if !b.iter().chain(a).all(Value::is_object) => (before.clone(), after.clone()),
            _ => (
                Value::Array(b.iter().filter(|x| !a.contains(x)).cloned().collect()),
                Value::Array(a.iter().filter(|y| !b.contains(y)).cloned().collect()),
            ),
        },
        _ => (before.clone(), after.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn leaves_match_named_elements_by_name() {
        let b = json!({"name": "t", "columns": [{"name": "a", "type": "text"}], "rls": {"enabled": true}});
        let a = json!({"name": "t", "columns": [{"name": "a", "type": "int"}, {"name": "b", "type": "text"}], "rls": {"enabled": false}});
        let mut out = vec![];
        leaves("", &b, &a, &mut out);
        assert_eq!(
            out,
            [
                "columns[a].type: \"text\" → \"int\"",
                "columns[b]: added {\"name\":\"b\",\"type\":\"text\"}",
                "rls.enabled: true → false"
            ]
        );
        let (nb, na) = narrow(&b, &a);
        assert_eq!(
            nb,
            json!({"name": "t", "columns": [{"name": "a", "type": "text"}], "rls": {"enabled": true}})
        );
        assert_eq!(
            na,
            json!({"name": "t", "columns": [{"name": "a", "type": "int"}, {"name": "b", "type": "text"}], "rls": {"enabled": false}})
        );
        assert_eq!(classify("table", &b, &a).0, Risk::Dangerous);
    }

    #[test]
    fn the_live_index_reads_grants_as_the_state_does() {
        use crate::model::{Grant, GrantTarget, QName};
        let mut m = Model::default();
        for (t, role, p) in [
            ("a", "anon", "SELECT"),
            ("b", "anon", "INSERT"),
            ("a", "anon", "UPDATE"),
        ] {
            m.grants.push(Grant {
                target: GrantTarget::Table(QName::new("public", t)),
                role: role.into(),
                privileges: vec![p.into()],
                columns: if p == "UPDATE" {
                    vec!["x".into()]
                } else {
                    vec![]
                },
                grantable: vec![],
            });
        }
        let index = LiveIndex::new(&m);
        for a in m.addresses() {
            assert_eq!(
                index.attributes(&a.to_string()),
                Some(crate::state::attributes(&m, &a)),
                "{a}"
            );
        }
        assert_eq!(index.attributes("grant.public.c.anon"), None);
    }

    #[test]
    fn a_policy_whose_using_became_true_is_dangerous() {
        let b = json!({"using": "(auth.uid() = owner)", "roles": ["authenticated"], "permissive": true});
        let a = json!({"using": "true", "roles": ["authenticated"], "permissive": true});
        assert_eq!(classify("policy", &b, &a).0, Risk::Dangerous);
        let a = json!({"using": "(auth.uid() <> owner)", "roles": ["authenticated"], "permissive": true});
        assert_eq!(classify("policy", &b, &a).0, Risk::Caution);
    }
}
