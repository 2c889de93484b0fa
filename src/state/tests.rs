use super::*;
use crate::config::{load_str, Config, LoadOptions};
use std::path::Path;

const SECRET_VALUE: &str = "sk_live_TOPSECRET_4242";
const DB_PASSWORD: &str = "hunter2-db-password";

fn config(hcl: &str) -> Config {
    let opts = LoadOptions {
        env: Box::new(|k| match k {
            "STRIPE_SECRET_KEY" => Some(SECRET_VALUE.into()),
            _ => Some("v".into()),
        }),
        ..Default::default()
    };
    match load_str(Path::new("."), &[("main.hcl", hcl)], &opts) {
        Ok(c) => c,
        Err(d) => panic!("{d:?}"),
    }
}

fn next(prev: &State, hcl: &str, dropped: &[&str]) -> State {
    let c = config(hcl);
    let dropped = dropped.iter().map(|s| s.to_string()).collect();
    State::next(prev, &c.model, &c.graph, &c.hash, &dropped)
}

const PROFILES: &str = r#"
table "profiles" {
  column "id" { type = "uuid" }
  column "username" {
    type = "text"
    null = true
  }
  primary_key = ["id"]
  lifecycle { prevent_destroy = true }
}
"#;

const PROFILES_UNPROTECTED: &str = r#"
table "profiles" {
  column "id" { type = "uuid" }
  column "username" {
    type = "text"
    null = true
  }
  primary_key = ["id"]
}
"#;

const POLICY: &str = r#"
policy "own" {
  table   = table.profiles
  command = "select"
  roles   = ["authenticated"]
  using   = "(select auth.uid()) = id"
}
"#;

#[test]
fn a_new_state_has_a_fresh_lineage_and_serial_zero() {
    let a = State::new("production");
    let b = State::new("production");
    assert_eq!(a.serial, 0);
    assert_eq!(a.format_version, FORMAT_VERSION);
    assert_eq!(a.environment, "production");
    assert!(uuid::Uuid::parse_str(&a.lineage).is_ok());
    assert_ne!(a.lineage, b.lineage);
    assert!(a.resources.is_empty());
}

#[test]
fn next_keeps_the_lineage_bumps_the_serial_and_records_every_object() {
    let s0 = State::new("local");
    let hcl = format!("{PROFILES}{POLICY}");
    let s1 = next(&s0, &hcl, &[]);
    assert_eq!(s1.lineage, s0.lineage);
    assert_eq!(s1.serial, 1);
    assert_eq!(s1.environment, "local");
    assert!(s1.config_hash.starts_with("blake3:"));
    let c = config(&hcl);
    let expected: BTreeSet<String> = c.model.addresses().iter().map(|a| a.to_string()).collect();
    assert_eq!(s1.owned(), expected);
    let policy = &s1.resources["policy.public.profiles.own"];
    assert_eq!(policy.kind, "policy");
    assert_eq!(policy.dependencies, vec!["table.public.profiles"]);
    let table = &s1.resources["table.public.profiles"];
    assert_eq!(table.kind, "table");
    // A table holds its parts in its attributes.
    assert_eq!(table.attributes["columns"][1]["name"], "username");
    assert!(table.fingerprint.as_deref().unwrap().starts_with("blake3:"));

    let s2 = next(&s1, &hcl, &[]);
    assert_eq!((s2.lineage.as_str(), s2.serial), (s0.lineage.as_str(), 2));
}

#[test]
fn prevent_destroy_survives_removing_the_block_until_the_object_is_dropped() {
    let s1 = next(&State::new("prod"), PROFILES, &[]);
    assert_eq!(
        s1.protected(),
        BTreeSet::from(["table.public.profiles".to_string()])
    );
    // The lifecycle block removed: still protected.
    let s2 = next(&s1, PROFILES_UNPROTECTED, &[]);
    assert!(s2.resources["table.public.profiles"].prevent_destroy);
    // The whole table block removed: the resource stays, protected, because it was not
    // dropped (the applier refused to).
    let s3 = next(&s2, "", &[]);
    assert!(s3.resources["table.public.profiles"].prevent_destroy);
    assert!(s3.owned().contains("table.public.profiles"));
    // Only once the applier reports the object gone does it leave the state.
    let s4 = next(&s3, "", &["table.public.profiles"]);
    assert!(s4.resources.is_empty());
    assert!(s4.protected().is_empty());
}

#[test]
fn an_owned_object_stays_owned_until_dropped() {
    let s1 = next(&State::new("prod"), PROFILES_UNPROTECTED, &[]);
    let s2 = next(&s1, "", &[]);
    assert!(s2.owned().contains("table.public.profiles"));
    let s3 = next(&s2, "", &["table.public.profiles"]);
    assert!(!s3.owned().contains("table.public.profiles"));
}

#[test]
fn a_renamed_table_keeps_its_protection() {
    let s1 = next(&State::new("prod"), PROFILES, &[]);
    let renamed = r#"
table "users" {
  column "id" { type = "uuid" }
  renamed_from = "profiles"
}
"#;
    let s2 = next(&s1, renamed, &["table.public.profiles"]);
    assert!(s2.resources["table.public.users"].prevent_destroy);
    assert!(!s2.resources.contains_key("table.public.profiles"));
}

#[test]
fn no_secret_value_or_digest_and_no_database_url_anywhere_in_the_state() {
    let hcl = format!(
        r#"
environment "production" {{
  database_url = "postgresql://postgres:{DB_PASSWORD}@db.example.com:5432/postgres"
}}
secret "STRIPE_SECRET_KEY" {{ value = env("STRIPE_SECRET_KEY") }}
{PROFILES}
"#
    );
    let c = config(&hcl);
    // The secret's value was read, so the model holds it: the state must not.
    assert_eq!(
        c.model.secrets["STRIPE_SECRET_KEY"]
            .value
            .as_ref()
            .map(|v| v.expose().as_str()),
        Some(SECRET_VALUE)
    );
    let s = next(&State::new("production"), &hcl, &[]);
    let json = s.to_json();
    let secret = serde_json::to_value(&s.resources["secret.STRIPE_SECRET_KEY"]).unwrap();
    assert_eq!(
        secret,
        serde_json::json!({"kind": "secret", "managed": true})
    );
    let sha256_hex = {
        // The Management API reports secrets as SHA-256 digests: not even those.
        use std::process::Command;
        Command::new("sha256sum")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .ok()
            .and_then(|mut child| {
                use std::io::Write;
                child
                    .stdin
                    .take()?
                    .write_all(SECRET_VALUE.as_bytes())
                    .ok()?;
                let out = child.wait_with_output().ok()?;
                String::from_utf8(out.stdout)
                    .ok()?
                    .split_whitespace()
                    .next()
                    .map(str::to_string)
            })
    };
    let blake3_hex = blake3::hash(SECRET_VALUE.as_bytes()).to_hex().to_string();
    let mut forbidden = vec![
        SECRET_VALUE.to_string(),
        "(sensitive)".to_string(),
        DB_PASSWORD.to_string(),
        "db.example.com".to_string(),
        blake3_hex,
    ];
    forbidden.extend(sha256_hex);
    for f in &forbidden {
        assert!(!json.contains(f.as_str()), "the state contains {f}");
    }
    // And no resource's attributes, whatever its kind.
    for (addr, r) in &s.resources {
        let a = r.attributes.to_string();
        assert!(!a.contains(SECRET_VALUE), "{addr}");
    }
}

#[test]
fn fingerprints_are_equal_for_equal_objects_and_differ_otherwise() {
    // The same table written differently (attribute order, layout) in two configs.
    let a = next(&State::new("x"), PROFILES_UNPROTECTED, &[]);
    let b = next(
        &State::new("x"),
        r#"table "profiles" {
  primary_key = ["id"]
  column "id" {
    type = "uuid"
  }
  column "username" {
    null = true
    type = "text"
  }
}"#,
        &[],
    );
    let fp = |s: &State| s.resources["table.public.profiles"].fingerprint.clone();
    assert_eq!(fp(&a), fp(&b));
    let c = next(
        &State::new("x"),
        &PROFILES_UNPROTECTED.replace("\"text\"", "\"varchar(40)\""),
        &[],
    );
    assert_ne!(fp(&a), fp(&c));
    // Directives are not part of the object: protecting it changes no fingerprint, and a
    // live table (never protected, never renamed) fingerprints like the desired one.
    let p = next(&State::new("x"), PROFILES, &[]);
    assert_eq!(fp(&a), fp(&p));
    assert!(p.resources["table.public.profiles"]
        .attributes
        .get("prevent_destroy")
        .is_none());
    let mut live = config(PROFILES).model;
    live.tables.values_mut().for_each(|t| {
        t.prevent_destroy = false;
        t.columns[0].renamed_from = Some("old_id".into());
    });
    let addr = Address::Table(crate::model::QName::new("public", "profiles"));
    assert_eq!(object_fingerprint(&live, &addr), fp(&a));
    // Canonical JSON: key order never matters.
    let mut m1 = serde_json::Map::new();
    m1.insert("a".into(), 1.into());
    m1.insert("b".into(), serde_json::json!([{"y": 1, "x": 2}]));
    let v2 = serde_json::json!({"b": [{"x": 2, "y": 1}], "a": 1});
    assert_eq!(
        fingerprint(&serde_json::Value::Object(m1)),
        fingerprint(&v2)
    );
    assert_ne!(
        fingerprint(&serde_json::json!([1, 2])),
        fingerprint(&serde_json::json!([2, 1]))
    );
}

#[test]
fn the_json_round_trips_and_skips_empty_fields() {
    let s = next(&State::new("prod"), &format!("{PROFILES}{POLICY}"), &[]);
    let back = State::parse(&s.to_json(), "x.json").unwrap();
    assert_eq!(back, s);
    let v: serde_json::Value = serde_json::from_str(&s.to_json()).unwrap();
    let table = &v["resources"]["table.public.profiles"];
    assert!(table.get("version").is_none());
    assert!(table.get("managed").is_none());
    assert_eq!(table["prevent_destroy"], true);
    assert!(v["resources"]["policy.public.profiles.own"]
        .get("prevent_destroy")
        .is_none());
}

#[test]
fn a_newer_format_or_broken_json_is_refused_clearly() {
    let mut v = serde_json::to_value(State::new("prod")).unwrap();
    v["format_version"] = 99.into();
    let err = State::parse(&v.to_string(), "state/prod.json").unwrap_err();
    assert!(
        matches!(err, StateError::NewerFormat { found: 99, .. }),
        "{err}"
    );

    let err =
        State::parse("{\n  \"format_version\": 1,\n  oops\n}", "state/prod.json").unwrap_err();
    let msg = err.to_string();
    assert!(msg.starts_with("state/prod.json:3:3: "), "{msg}");
    assert!(matches!(
        err,
        StateError::Corrupt {
            line: 3,
            column: 3,
            ..
        }
    ));

    let err = State::parse("{\"format_version\": 1, \"lineage\": 5}", "s.json").unwrap_err();
    assert!(matches!(err, StateError::Corrupt { .. }), "{err}");

    let mut v = serde_json::to_value(State::new("prod")).unwrap();
    v["lineage"] = "not-a-uuid".into();
    let err = State::parse(&v.to_string(), "s.json").unwrap_err();
    assert!(matches!(err, StateError::Invalid { .. }), "{err}");
}
