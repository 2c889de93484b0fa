//! State: what supaform created in one environment (DESIGN.md §6).
//!
//! The state records every object supaform manages, keyed by its canonical address
//! (`table.public.profiles`), with a fingerprint of the object as it was applied, the
//! addresses it depends on, and whether it is protected (`prevent_destroy`). Ownership
//! follows Terraform: an object in the state or the config is managed; anything else is
//! unmanaged and never dropped. `lineage` names one state history (a uuid chosen when the
//! state is created) and `serial` counts its writes, so a stale plan or a pushed copy of
//! another history is refused.
//!
//! Two backends keep it: a JSON file (`state/<env>.json`, written atomically, the previous
//! copy kept as `.backup`, under an `flock`), or a table in the target database
//! (`supaform.state`, written inside the apply's transaction).
//!
//! No secret value, nor any digest of one, is ever stored: a secret is recorded as
//! `{"kind": "secret", "managed": true}`. Database URLs are never stored either.

mod database;
mod error;
mod file;

pub use database::DatabaseBackend;
pub use error::StateError;
pub use file::{FileBackend, FileLock, LockHolder};

use crate::config::DepGraph;
use crate::model::{Address, Model};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The state format this build reads and writes. A file with a newer one is refused.
pub const FORMAT_VERSION: u32 = 1;

/// One environment's state.
#[derive(Serialize, Deserialize, schemars::JsonSchema, Clone, Debug, PartialEq)]
pub struct State {
    /// Version of this format (1); a newer one is refused by older supaform versions.
    pub format_version: u32,
    /// The supaform version that wrote the state.
    pub supaform_version: String,
    /// A uuid (v4) naming this state's history; kept by every later write.
    pub lineage: String,
    /// Incremented by every write.
    pub serial: u64,
    /// The environment the state belongs to.
    pub environment: String,
    /// `blake3:<hex>` of the configuration last applied.
    pub config_hash: String,
    /// Managed objects by canonical address.
    pub resources: BTreeMap<String, Resource>,
}

/// One managed object.
#[derive(Serialize, Deserialize, schemars::JsonSchema, Clone, Debug, PartialEq, Default)]
pub struct Resource {
    /// The block kind (`table`, `policy`, `secret`, …).
    pub kind: String,
    /// `blake3:<hex>` of the object's canonical JSON (keys sorted), as applied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fingerprint: Option<String>,
    /// The object as applied (a table holds its columns, indexes and constraints). Absent
    /// for secrets.
    #[serde(default, skip_serializing_if = "serde_json::Value::is_null")]
    pub attributes: serde_json::Value,
    /// Addresses this object depends on (from the configuration's graph).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dependencies: Vec<String>,
    /// Refuse to drop this object. Remembered after the `lifecycle` block (or the whole
    /// block) is removed from the configuration; lifted only by `supaform state unprotect`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub prevent_destroy: bool,
    /// Edge Functions: the deployed version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<u64>,
    /// Edge Functions: `blake3:<hex>` of the deployed source files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_hash: Option<String>,
    /// Edge Functions: the bundle digest the Management API reports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ezbr_sha256: Option<String>,
    /// Edge Functions: whether a JWT is required.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verify_jwt: Option<bool>,
    /// Secrets: supaform set it (never its value or a digest of it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub managed: Option<bool>,
    /// Grants: what the configuration's `grant` blocks declared for this object and role,
    /// one entry per column set. A block removed later is revoked from this record.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub declared: Vec<DeclaredGrant>,
}

/// Privileges a `grant` block declared on an object for a role.
#[derive(Serialize, Deserialize, schemars::JsonSchema, Clone, Debug, PartialEq, Default)]
pub struct DeclaredGrant {
    /// The columns (empty for the whole object).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub columns: Vec<String>,
    /// The privileges, uppercase (`SELECT`); empty for `privileges = []`.
    pub privileges: Vec<String>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

impl State {
    /// An empty state with a fresh lineage and serial 0.
    pub fn new(environment: &str) -> State {
        State {
            format_version: FORMAT_VERSION,
            supaform_version: env!("CARGO_PKG_VERSION").to_string(),
            lineage: uuid::Uuid::new_v4().to_string(),
            serial: 0,
            environment: environment.to_string(),
            config_hash: String::new(),
            resources: BTreeMap::new(),
        }
    }

    /// The state after an apply of `model`: a resource for every object of the model
    /// (dependencies from `graph`), plus every resource of `prev` that the apply did not
    /// drop (an owned object stays owned until it is really gone). `dropped` lists the
    /// addresses the apply dropped, and owned addresses found gone. A protection
    /// (`prevent_destroy`) is never lifted by editing the configuration: it is carried over
    /// from `prev` for every address still there (and to a table's new address when it was
    /// renamed with `renamed_from`). Lineage kept, serial incremented.
    pub fn next(
        prev: &State,
        model: &Model,
        graph: &DepGraph,
        config_hash: &str,
        dropped: &BTreeSet<String>,
    ) -> State {
        let mut resources = BTreeMap::new();
        for addr in model.addresses() {
            let key = addr.to_string();
            let mut r = resource(model, graph, &addr);
            if let Some(old) = prev.resources.get(&key) {
                r.prevent_destroy |= old.prevent_destroy;
                if r.kind == "edge_function" {
                    // Deployment facts are the applier's to update; keep the last known.
                    r.version = old.version;
                    r.source_hash = old.source_hash.clone();
                    r.ezbr_sha256 = old.ezbr_sha256.clone();
                }
            }
            if let Address::Table(q) = &addr {
                let from = model.tables.get(q).and_then(|t| t.renamed_from.as_deref());
                if let Some(from) = from {
                    let old = match from.split_once('.') {
                        Some(_) => format!("table.{from}"),
                        None => format!("table.{}.{from}", q.schema),
                    };
                    if prev.resources.get(&old).is_some_and(|o| o.prevent_destroy) {
                        r.prevent_destroy = true;
                    }
                }
            }
            resources.insert(key, r);
        }
        for (key, old) in &prev.resources {
            if !resources.contains_key(key) && !dropped.contains(key) {
                resources.insert(key.clone(), old.clone());
            }
        }
        State {
            format_version: FORMAT_VERSION,
            supaform_version: env!("CARGO_PKG_VERSION").to_string(),
            lineage: prev.lineage.clone(),
            serial: prev.serial + 1,
            environment: prev.environment.clone(),
            config_hash: config_hash.to_string(),
            resources,
        }
    }

    /// Every managed address (for `diff::Ownership`).
    pub fn owned(&self) -> BTreeSet<String> {
        self.resources.keys().cloned().collect()
    }

    /// What `grant` blocks declared at the last apply, by grant identity (the object and
    /// role come from the resource's attributes, which hold the grants as applied).
    pub fn declared_grants(
        &self,
    ) -> BTreeMap<crate::model::GrantKey, std::collections::BTreeSet<String>> {
        let mut out = BTreeMap::new();
        for r in self.resources.values().filter(|r| !r.declared.is_empty()) {
            let Ok(grants) =
                serde_json::from_value::<Vec<crate::model::Grant>>(r.attributes.clone())
            else {
                continue;
            };
            let Some(g) = grants.first() else {
                continue;
            };
            for d in &r.declared {
                out.insert(
                    (g.target.clone(), g.role.clone(), d.columns.clone()),
                    d.privileges.iter().cloned().collect(),
                );
            }
        }
        out
    }

    /// Addresses whose drop is refused.
    pub fn protected(&self) -> BTreeSet<String> {
        self.resources
            .iter()
            .filter(|(_, r)| r.prevent_destroy)
            .map(|(k, _)| k.clone())
            .collect()
    }

    /// Parse a state document. `origin` names it in errors (a path, or
    /// `supaform.state[env]`). A syntax or shape error reports line and column; a newer
    /// format is refused.
    pub fn parse(text: &str, origin: &str) -> Result<State, StateError> {
        #[derive(Deserialize)]
        struct Header {
            format_version: Option<u32>,
        }
        let corrupt = |e: serde_json::Error| StateError::corrupt(origin, text, &e);
        let header: Header = serde_json::from_str(text).map_err(corrupt)?;
        match header.format_version {
            Some(v) if v > FORMAT_VERSION => {
                return Err(StateError::NewerFormat {
                    origin: origin.to_string(),
                    found: v,
                    supported: FORMAT_VERSION,
                })
            }
            Some(0) | None => {
                return Err(StateError::Invalid {
                    origin: origin.to_string(),
                    reason: "`format_version` is missing or 0".into(),
                })
            }
            Some(_) => {}
        }
        let state: State = serde_json::from_str(text).map_err(corrupt)?;
        if uuid::Uuid::parse_str(&state.lineage).is_err() {
            return Err(StateError::Invalid {
                origin: origin.to_string(),
                reason: format!("lineage `{}` is not a uuid", state.lineage),
            });
        }
        if state.environment.is_empty() {
            return Err(StateError::Invalid {
                origin: origin.to_string(),
                reason: "`environment` is empty".into(),
            });
        }
        Ok(state)
    }

    /// The state as written to a file: pretty JSON, keys in a stable order, a final newline.
    pub fn to_json(&self) -> String {
        // Serialising plain data (strings, numbers, maps with string keys) cannot fail.
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }
}

/// The resource recorded for `addr` of `model`.
fn resource(model: &Model, graph: &DepGraph, addr: &Address) -> Resource {
    let mut r = Resource {
        kind: addr.kind().to_string(),
        dependencies: graph
            .dependencies(addr)
            .iter()
            .map(|d| d.to_string())
            .collect(),
        ..Default::default()
    };
    match addr {
        Address::Secret(_) => {
            // Never the value, never a digest of it, not even its placeholder.
            r.managed = Some(true);
            return r;
        }
        Address::Table(q) => {
            r.prevent_destroy = model.tables.get(q).is_some_and(|t| t.prevent_destroy);
        }
        Address::EdgeFunction(slug) => {
            r.verify_jwt = model.edge_functions.get(slug).map(|f| f.verify_jwt);
        }
        Address::Grant(target, role) => {
            if let Some(scope) = &model.grant_scope {
                let privileges = crate::model::grants_by_key(&model.grants);
                for key in scope.iter().filter(|k| &k.0 == target && &k.1 == role) {
                    let mut p: Vec<String> = privileges
                        .get(key)
                        .map(|s| s.iter().cloned().collect())
                        .unwrap_or_default();
                    p.sort_by_key(|x| crate::model::privilege_rank(x));
                    r.declared.push(DeclaredGrant {
                        columns: key.2.clone(),
                        privileges: p,
                    });
                }
            }
        }
        _ => {}
    }
    let attributes = attributes(model, addr);
    if !attributes.is_null() {
        r.fingerprint = Some(fingerprint(&attributes));
    }
    r.attributes = attributes;
    r
}

/// The object at `addr` of `model` as the state records it (`null` when the model has none,
/// and for secrets): its serialised form without the configuration's directives
/// (`renamed_from`, `prevent_destroy`), which say how to reach the object, not what it is.
/// A live object introspected from the database therefore yields the same attributes and
/// [`fingerprint`] as the desired one it equals.
pub fn attributes(model: &Model, addr: &Address) -> serde_json::Value {
    use serde_json::to_value;
    let v = match addr {
        Address::Schema(s) => model.schemas.get(s).map(to_value),
        Address::Extension(s) => model.extensions.get(s).map(to_value),
        Address::Enum(q) => model.enums.get(q).map(to_value),
        Address::Domain(q) => model.domains.get(q).map(to_value),
        Address::CompositeType(q) => model.composite_types.get(q).map(to_value),
        Address::Collation(q) => model.collations.get(q).map(to_value),
        Address::Sequence(q) => model.sequences.get(q).map(to_value),
        Address::Table(q) => model.tables.get(q).map(to_value),
        Address::TablePart(..) => None,
        Address::Policy(t, n) => model.policies.get(&(t.clone(), n.clone())).map(to_value),
        Address::Grant(target, role) => {
            let grants: Vec<_> = model
                .grants
                .iter()
                .filter(|g| &g.target == target && &g.role == role)
                .collect();
            (!grants.is_empty()).then(|| to_value(grants))
        }
        Address::Function(q) => model.functions.get(q).map(to_value),
        Address::Trigger(t, n) => model.triggers.get(&(t.clone(), n.clone())).map(to_value),
        Address::View(q) => model.views.get(q).map(to_value),
        Address::Secret(_) => None,
        Address::EdgeFunction(s) => model.edge_functions.get(s).map(to_value),
        Address::Bucket(s) => model.buckets.get(s).map(to_value),
        // Not recorded in the state: a `default_privileges` block is planned against live
        // alone (docs/architecture.md, Planner limitations).
        Address::DefaultPrivileges(..) => None,
    };
    let mut v = v.and_then(Result::ok).unwrap_or(serde_json::Value::Null);
    strip_directives(&mut v);
    v
}

/// The [`fingerprint`] of the object at `addr` of `model` (`None` when it has none).
pub fn object_fingerprint(model: &Model, addr: &Address) -> Option<String> {
    let v = attributes(model, addr);
    (!v.is_null()).then(|| fingerprint(&v))
}

fn strip_directives(v: &mut serde_json::Value) {
    if let Some(o) = v.as_object_mut() {
        o.remove("renamed_from");
        o.remove("renamed_values");
        o.remove("prevent_destroy");
        if let Some(cols) = o.get_mut("columns").and_then(|c| c.as_array_mut()) {
            for c in cols {
                if let Some(c) = c.as_object_mut() {
                    c.remove("renamed_from");
                }
            }
        }
    }
}

/// `blake3:<hex>` of a value's canonical JSON: object keys sorted at every level, no
/// whitespace. Equal objects have equal fingerprints however they were built.
pub fn fingerprint(v: &serde_json::Value) -> String {
    let mut s = String::new();
    canonical(v, &mut s);
    format!("blake3:{}", blake3::hash(s.as_bytes()).to_hex())
}

fn canonical(v: &serde_json::Value, out: &mut String) {
    use serde_json::Value;
    match v {
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(k.clone()).to_string());
                out.push(':');
                canonical(&m[k], out);
            }
            out.push('}');
        }
        Value::Array(a) => {
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                canonical(x, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

/// Where an environment's state lives.
#[derive(Debug, Clone)]
pub enum Backend {
    File(FileBackend),
    Database(DatabaseBackend),
}

impl Backend {
    /// The backend an environment declares (`state = "file"`, the default, or
    /// `"database"`); files live under `<config dir>/state/`.
    pub fn for_environment(
        config_dir: &Path,
        env: &crate::model::Environment,
    ) -> Result<Backend, StateError> {
        match env.state {
            crate::model::StateBackend::File => Ok(Backend::File(FileBackend::for_environment(
                config_dir, &env.name,
            )?)),
            crate::model::StateBackend::Database => {
                Ok(Backend::Database(DatabaseBackend::new(&env.name)))
            }
        }
    }

    /// Where the state is, for messages.
    pub fn describe(&self) -> String {
        match self {
            Backend::File(f) => f.describe(),
            Backend::Database(d) => d.describe(),
        }
    }
}

#[cfg(test)]
mod tests;
