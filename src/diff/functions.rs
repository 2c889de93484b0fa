//! Edge Functions and secrets: desired (config, local source hashes, local secret digests)
//! × what the target reports × what the state recorded at the last deploy. Pure.
//!
//! A function is redeployed when its local sources changed since supaform deployed it
//! (`source_hash`), when its settings changed, or when the target reports another version
//! or bundle than the one supaform deployed (an out-of-band deploy). A secret is set when
//! the SHA-256 of its local value differs from the digest the target reports; nothing
//! about the value is kept anywhere.

use super::{Change, Hint, Ownership};
use crate::functions::{RemoteFunction, RemoteSecret};
use crate::model::{Address, EdgeFunction, Model};
use crate::state::Resource;
use std::collections::BTreeMap;

/// What was read locally: the hash of each function's sources, the digest of each secret's
/// value (`None` when the value is not available here, e.g. its env var is unset).
#[derive(Debug, Clone, Default)]
pub struct Local {
    pub source_hashes: BTreeMap<String, String>,
    pub secret_digests: BTreeMap<String, Option<String>>,
}

/// What the target holds.
#[derive(Debug, Clone, Default)]
pub struct Remote {
    pub functions: Vec<RemoteFunction>,
    pub secrets: Vec<RemoteSecret>,
}

#[derive(Debug, Clone, Default)]
pub struct FunctionsDiff {
    pub changes: Vec<Change>,
    pub hints: Vec<Hint>,
    pub unmanaged: Vec<Address>,
}

/// Secrets every Supabase project has, managed by the platform.
fn platform_secret(name: &str) -> bool {
    name.starts_with("SUPABASE_")
}

/// The settings of a function as the state recorded them at its last deploy.
fn recorded(res: &Resource) -> Option<EdgeFunction> {
    serde_json::from_value(res.attributes.clone()).ok()
}

pub fn diff(
    desired: &Model,
    local: &Local,
    remote: &Remote,
    state: &BTreeMap<String, Resource>,
    own: &Ownership,
) -> FunctionsDiff {
    let mut out = FunctionsDiff::default();
    // Secrets first: functions are deployed after the secrets they read.
    for name in desired.secrets.keys() {
        let theirs = remote.secrets.iter().find(|s| &s.name == name);
        match local.secret_digests.get(name).cloned().flatten() {
            None => {
                if theirs.is_none() {
                    out.hints.push(Hint {
                        address: Address::Secret(name.clone()).to_string(),
                        message: format!(
                            "secret {name} has no value here (its environment variable is not set): it is not set on the target"
                        ),
                    });
                }
            }
            Some(digest) => match theirs {
                None => out.changes.push(Change::SetSecret {
                    name: name.clone(),
                    new: true,
                }),
                Some(s) if !s.digest.eq_ignore_ascii_case(&digest) => {
                    out.changes.push(Change::SetSecret {
                        name: name.clone(),
                        new: false,
                    })
                }
                Some(_) => {}
            },
        }
    }
    for s in &remote.secrets {
        if desired.secrets.contains_key(&s.name) || platform_secret(&s.name) {
            continue;
        }
        let addr = Address::Secret(s.name.clone());
        if own.own_everything || own.owned.contains(&addr.to_string()) {
            let used_by = desired
                .edge_functions
                .values()
                .filter(|f| f.secrets.contains(&s.name))
                .map(|f| f.slug.clone())
                .collect();
            out.changes.push(Change::DeleteSecret {
                name: s.name.clone(),
                used_by,
            });
        } else {
            out.unmanaged.push(addr);
        }
    }

    for (slug, f) in &desired.edge_functions {
        let addr = Address::EdgeFunction(slug.clone()).to_string();
        let theirs = remote.functions.iter().find(|r| &r.slug == slug);
        let res = state.get(&addr);
        let Some(theirs) = theirs else {
            out.changes.push(Change::DeployEdgeFunction {
                function: f.clone(),
                new: true,
                from: None,
            });
            continue;
        };
        let from = res.and_then(recorded);
        let local_hash = local.source_hashes.get(slug);
        let stale = match res {
            None => true,
            Some(r) => {
                r.source_hash.as_ref() != local_hash
                    || r.version.is_some_and(|v| v != theirs.version)
                    || (r.ezbr_sha256.is_some() && r.ezbr_sha256 != theirs.ezbr_sha256)
                    || from.as_ref() != Some(f)
            }
        };
        if stale {
            out.changes.push(Change::DeployEdgeFunction {
                function: f.clone(),
                new: false,
                from,
            });
        }
    }
    for r in &remote.functions {
        if desired.edge_functions.contains_key(&r.slug) {
            continue;
        }
        let addr = Address::EdgeFunction(r.slug.clone());
        if own.own_everything || own.owned.contains(&addr.to_string()) {
            let f = state
                .get(&addr.to_string())
                .and_then(recorded)
                .unwrap_or_else(|| EdgeFunction {
                    slug: r.slug.clone(),
                    name: r.name.clone(),
                    source: String::new(),
                    entrypoint: String::new(),
                    verify_jwt: r.verify_jwt.unwrap_or(true),
                    import_map: None,
                    static_files: vec![],
                    secrets: vec![],
                });
            out.changes.push(Change::DeleteEdgeFunction(f));
        } else {
            out.unmanaged.push(addr);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(slug: &str) -> EdgeFunction {
        EdgeFunction {
            slug: slug.into(),
            name: slug.into(),
            source: format!("functions/{slug}"),
            entrypoint: "index.ts".into(),
            verify_jwt: true,
            import_map: None,
            static_files: vec![],
            secrets: vec!["KEY".into()],
        }
    }

    fn remote_fn(slug: &str, version: u64) -> RemoteFunction {
        RemoteFunction {
            slug: slug.into(),
            name: slug.into(),
            version,
            status: "ACTIVE".into(),
            entrypoint_path: None,
            import_map_path: None,
            verify_jwt: Some(true),
            ezbr_sha256: Some("e".into()),
            updated_at: None,
        }
    }

    fn deployed(func: &EdgeFunction, version: u64, hash: &str) -> Resource {
        Resource {
            kind: "edge_function".into(),
            fingerprint: None,
            attributes: serde_json::to_value(func).unwrap(),
            dependencies: vec![],
            prevent_destroy: false,
            version: Some(version),
            source_hash: Some(hash.into()),
            ezbr_sha256: Some("e".into()),
            verify_jwt: Some(func.verify_jwt),
            managed: None,
            declared: vec![],
        }
    }

    fn setup() -> (Model, Local, Remote, BTreeMap<String, Resource>) {
        let mut m = Model::default();
        m.edge_functions.insert("pay".into(), f("pay"));
        let local = Local {
            source_hashes: [("pay".to_string(), "h1".to_string())].into(),
            secret_digests: BTreeMap::new(),
        };
        let remote = Remote {
            functions: vec![remote_fn("pay", 3)],
            secrets: vec![],
        };
        let state = [(
            "edge_function.pay".to_string(),
            deployed(&f("pay"), 3, "h1"),
        )]
        .into();
        (m, local, remote, state)
    }

    fn kinds(d: &FunctionsDiff) -> Vec<String> {
        d.changes
            .iter()
            .map(|c| format!("{} {}", c.action().symbol(), c.address()))
            .collect()
    }

    #[test]
    fn an_unchanged_function_is_left_alone() {
        let (m, l, r, s) = setup();
        assert!(diff(&m, &l, &r, &s, &Ownership::default())
            .changes
            .is_empty());
    }

    #[test]
    fn changed_sources_settings_or_an_out_of_band_version_redeploy() {
        let (m, mut l, r, s) = setup();
        l.source_hashes.insert("pay".into(), "h2".into());
        assert_eq!(
            kinds(&diff(&m, &l, &r, &s, &Ownership::default())),
            ["~ edge_function.pay"]
        );

        let (mut m, l, r, s) = setup();
        m.edge_functions.get_mut("pay").unwrap().verify_jwt = false;
        let d = diff(&m, &l, &r, &s, &Ownership::default());
        let Change::DeployEdgeFunction {
            from: Some(old),
            function,
            ..
        } = &d.changes[0]
        else {
            panic!()
        };
        assert!(old.verify_jwt && !function.verify_jwt);

        let (m, l, mut r, s) = setup();
        r.functions[0].version = 4; // someone deployed by hand
        assert_eq!(
            kinds(&diff(&m, &l, &r, &s, &Ownership::default())),
            ["~ edge_function.pay"]
        );
    }

    #[test]
    fn a_missing_function_is_created_an_owned_extra_one_deleted() {
        let (m, l, mut r, s) = setup();
        r.functions.clear();
        assert_eq!(
            kinds(&diff(&m, &l, &r, &s, &Ownership::default())),
            ["+ edge_function.pay"]
        );

        let (mut m, l, r, s) = setup();
        m.edge_functions.clear();
        let d = diff(&m, &l, &r, &s, &Ownership::default());
        assert!(d.changes.is_empty());
        assert_eq!(d.unmanaged, [Address::EdgeFunction("pay".into())]);
        let own = Ownership {
            owned: ["edge_function.pay".to_string()].into(),
            ..Default::default()
        };
        assert_eq!(kinds(&diff(&m, &l, &r, &s, &own)), ["- edge_function.pay"]);
    }

    #[test]
    fn secrets_compare_digests_and_never_need_the_value_twice() {
        let (mut m, mut l, mut r, s) = setup();
        m.secrets.insert(
            "KEY".into(),
            crate::model::Secret {
                name: "KEY".into(),
                value: None,
                missing_env: Some("KEY".into()),
            },
        );
        // No value here and none there: a hint, no step.
        let d = diff(&m, &l, &r, &s, &Ownership::default());
        assert!(d.changes.is_empty());
        assert!(d.hints[0].message.contains("has no value here"));
        // A value here: set it; the same digest there: nothing; another: update.
        l.secret_digests
            .insert("KEY".into(), Some(crate::functions::secret_digest("v1")));
        assert_eq!(
            kinds(&diff(&m, &l, &r, &s, &Ownership::default())),
            ["+ secret.KEY"]
        );
        r.secrets.push(RemoteSecret {
            name: "KEY".into(),
            digest: crate::functions::secret_digest("v1").to_uppercase(),
        });
        assert!(diff(&m, &l, &r, &s, &Ownership::default())
            .changes
            .is_empty());
        l.secret_digests
            .insert("KEY".into(), Some(crate::functions::secret_digest("v2")));
        assert_eq!(
            kinds(&diff(&m, &l, &r, &s, &Ownership::default())),
            ["~ secret.KEY"]
        );
        // An owned secret the config no longer declares is deleted, naming who reads it.
        let mut without = m.clone();
        without.secrets.clear();
        let own = Ownership {
            owned: ["secret.KEY".to_string()].into(),
            ..Default::default()
        };
        let d = diff(&without, &l, &r, &s, &own);
        assert_eq!(
            d.changes,
            [Change::DeleteSecret {
                name: "KEY".into(),
                used_by: vec!["pay".into()],
            }]
        );
        // Platform secrets are never reported.
        r.secrets.push(RemoteSecret {
            name: "SUPABASE_URL".into(),
            digest: "x".into(),
        });
        assert!(diff(&m, &l, &r, &s, &Ownership::default())
            .unmanaged
            .is_empty());
    }
}
