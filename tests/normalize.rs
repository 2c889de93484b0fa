//! Normalisation through the embedded Postgres, and the property every plan rests on:
//! what supaform creates reads back as what the config says (no false drift).

mod common;

use std::path::Path;
use supaform::config::{load, load_str, Config, LoadOptions};
use supaform::diff::{diff, Ownership};
use supaform::introspect::{introspect, IntrospectOptions};
use supaform::normalize::{normalize, NormalizeError};

fn opts() -> LoadOptions {
    LoadOptions {
        env: Box::new(|_| None),
        ..Default::default()
    }
}

fn example() -> Config {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/postcards");
    load(&dir, &opts()).unwrap()
}

fn intro(cfg: &Config) -> IntrospectOptions {
    supaform::engine::introspect_options(&cfg.model)
}

#[tokio::test]
async fn the_example_created_from_its_own_sql_has_no_drift() {
    common::server();
    let cfg = example();
    let desired = normalize(&cfg, &intro(&cfg), &common::options())
        .await
        .unwrap_or_else(|e| panic!("{:?}", miette::Report::new(e)));
    // Plan and apply the example on a fresh database the way `supaform apply` does, then
    // read it back.
    let url = common::fresh_db("example_no_drift").await;
    let planned = supaform::engine::plan_config(
        &cfg,
        "test",
        &url,
        &supaform::engine::StateView::default(),
        &common::options(),
    )
    .await
    .unwrap();
    let client = supaform::db::connect(&url).await.unwrap();
    let mut ignore = |_e: supaform::apply::exec::Event| {};
    supaform::apply::exec::run(
        &client,
        &planned.plan,
        &Default::default(),
        &mut ignore,
        || async { Ok(()) },
    )
    .await
    .unwrap();
    let live = introspect(&client, &intro(&cfg)).await.unwrap();
    // Secrets and Edge Functions live behind the Management API, not in the database.
    let mut db_only = desired.model.clone();
    db_only.secrets.clear();
    db_only.edge_functions.clear();
    let d = diff(&db_only, &live.model, &Ownership::default());
    let steps: Vec<String> = d
        .changes
        .iter()
        .map(|c| format!("{} {}", c.action().symbol(), c.address()))
        .collect();
    assert!(d.is_empty(), "false drift: {steps:#?}");
    // The example's four tables, policies and functions are all there.
    assert_eq!(desired.model.tables.len(), 4);
    assert_eq!(desired.model.policies.len(), 9);
    assert!(desired
        .model
        .triggers
        .keys()
        .any(|(t, n)| t.schema == "auth" && n == "on_auth_user_created"));
}

#[tokio::test]
async fn policy_text_that_differs_only_in_spelling_plans_nothing() {
    common::server();
    let written = r#"
table "notes" {
  column "id" { type = "uuid" }
  column "owner" { type = "uuid" }
  rls { enabled = true }
}
policy "own" {
  table   = table.notes
  command = "select"
  roles   = ["authenticated"]
  using   = "(select auth.uid()) = owner"
}
"#;
    let respelled = written.replace(
        "(select auth.uid()) = owner",
        "( SELECT   auth.uid()  )=OWNER",
    );
    let a = load_str(Path::new("."), &[("main.hcl", written)], &opts()).unwrap();
    let b = load_str(Path::new("."), &[("main.hcl", &respelled)], &opts()).unwrap();
    let na = normalize(&a, &intro(&a), &common::options()).await.unwrap();
    let nb = normalize(&b, &intro(&b), &common::options()).await.unwrap();
    assert_ne!(a.model.policies, b.model.policies, "the texts differ");
    let d = diff(&nb.model, &na.model, &Ownership::default());
    assert!(d.is_empty(), "{:?}", d.changes);
}

#[tokio::test]
async fn postgres_errors_point_at_the_hcl_attribute() {
    common::server();
    let text = r#"table "notes" {
  column "id" { type = "uuid" }
  check "positive" { expression = "id > 0" }
}
table "tags" {
  column "id" { type = "uuid" }
}
policy "own" {
  table   = table.tags
  command = "select"
  using   = "owner_id = auth.uid()"
}
"#;
    let cfg = load_str(Path::new("."), &[("main.hcl", text)], &opts()).unwrap();
    let err = match normalize(&cfg, &intro(&cfg), &common::options()).await {
        Err(NormalizeError::Rejected(d)) => d,
        Err(e) => panic!("{:?}", miette::Report::new(e)),
        Ok(_) => panic!("a broken config normalised"),
    };
    let summary = err.summary();
    assert_eq!(err.len(), 2, "{summary}");
    assert!(
        summary.contains("main.hcl:3:35: Postgres rejected `expression` of table.public.notes: operator does not exist: uuid > integer"),
        "{summary}"
    );
    assert!(
        summary.contains("main.hcl:11:13: Postgres rejected `using` of policy.public.tags.own: column \"owner_id\" does not exist"),
        "{summary}"
    );
}

#[tokio::test]
async fn a_normalised_model_is_cached_by_what_it_depends_on() {
    common::server();
    let text = r#"
table "cached" {
  column "id" { type = "uuid" }
  column "currency" {
    type    = "text"
    default = "usd"
  }
  column "amount" {
    type    = "numeric(10,2)"
    default = 1.50
  }
  check "c" { expression = "id IS NOT NULL" }
}
"#;
    let cfg = load_str(Path::new("."), &[("main.hcl", text)], &opts()).unwrap();
    let first = normalize(&cfg, &intro(&cfg), &common::options())
        .await
        .unwrap();
    let inst = supaform::local::DevServer::Local(common::server().clone());
    let path = supaform::normalize::cache_path(&inst, &cfg, &intro(&cfg), &Default::default())
        .expect("a cache path");
    assert!(path.is_file(), "{} was not written", path.display());
    // A hit gives back exactly what normalisation gave.
    let again = normalize(&cfg, &intro(&cfg), &common::options())
        .await
        .unwrap();
    assert_eq!(again.model, first.model);
    // It is read from the cache: prove it by planting a marker in the cached entry.
    let cached = std::fs::read_to_string(&path).unwrap();
    assert!(cached.contains("(id IS NOT NULL)"), "{cached}");
    std::fs::write(&path, cached.replace("(id IS NOT NULL)", "(marker)")).unwrap();
    let second = normalize(&cfg, &intro(&cfg), &common::options())
        .await
        .unwrap();
    let check = |m: &supaform::model::Model| {
        m.tables.values().next().unwrap().checks[0]
            .expression
            .clone()
    };
    assert_eq!(check(&first.model), "(id IS NOT NULL)");
    assert_eq!(check(&second.model), "(marker)");
    // Another configuration is another key: normalised afresh.
    let changed = load_str(
        Path::new("."),
        &[("main.hcl", &text.replace("id IS NOT NULL", "id IS NULL"))],
        &opts(),
    )
    .unwrap();
    let third = normalize(&changed, &intro(&changed), &common::options())
        .await
        .unwrap();
    assert_eq!(check(&third.model), "(id IS NULL)");
    std::fs::remove_file(&path).unwrap();
}
