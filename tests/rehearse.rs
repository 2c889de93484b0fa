//! Rehearsal: a plan is run on a scratch copy of the live schema before it reaches the
//! target; a plan that fails or does not converge there is caught.

mod common;

use std::path::Path;
use supaform::config::{load_str, LoadOptions};
use supaform::engine::{self, Rehearsal, RehearsalError, StateView};

const HCL: &str = r#"
table "notes" {
  column "id" { type = "uuid" }
  column "body" {
    type = "text"
    null = true
  }
  primary_key = ["id"]
  index "notes_body_idx" { columns = ["body"] }
}
"#;

async fn planned(tag: &str) -> engine::Planned {
    // Live: the table exists without its index and body column.
    planned_on(
        tag,
        "create table notes (id uuid primary key)",
        &StateView::default(),
    )
    .await
}

/// The plan of the test configuration against a fresh database set up with `live_sql`.
async fn planned_on(tag: &str, live_sql: &str, state: &StateView) -> engine::Planned {
    common::server();
    let url = common::fresh_db(tag).await;
    let c = supaform::db::connect(&url).await.unwrap();
    c.batch_execute(live_sql).await.unwrap();
    let opts = LoadOptions {
        env: Box::new(|_| None),
        ..Default::default()
    };
    let cfg = load_str(Path::new("."), &[("main.hcl", HCL)], &opts).unwrap();
    engine::plan_config(&cfg, "test", &url, state, &common::options())
        .await
        .unwrap()
}

#[tokio::test]
async fn a_sound_plan_passes_its_rehearsal() {
    let p = planned("rehearse_ok").await;
    assert_eq!(p.plan.steps.len(), 2, "{:#?}", p.plan.steps);
    let r = engine::rehearse(&p, &common::options()).await.unwrap();
    assert_eq!(r, Rehearsal::Passed);
}

#[tokio::test]
async fn a_plan_that_fails_is_caught_before_the_target() {
    let mut p = planned("rehearse_fail").await;
    p.plan.steps[0].sql =
        vec!["ALTER TABLE \"public\".\"notes\" ADD COLUMN \"body\" no_such_type".into()];
    let err = engine::rehearse(&p, &common::options()).await.unwrap_err();
    let e = err
        .downcast_ref::<RehearsalError>()
        .expect("a rehearsal error");
    assert!(
        matches!(e, RehearsalError::Failed(m) if m.contains("no_such_type")),
        "{e:?}"
    );
}

#[tokio::test]
async fn a_plan_that_leaves_a_difference_is_caught() {
    let mut p = planned("rehearse_diverge").await;
    // Drop the index step: the plan would run, but not reach the desired state.
    p.plan
        .steps
        .retain(|s| !s.address.ends_with("index.notes_body_idx"));
    let err = engine::rehearse(&p, &common::options()).await.unwrap_err();
    let e = err
        .downcast_ref::<RehearsalError>()
        .expect("a rehearsal error");
    assert!(
        matches!(e, RehearsalError::Diverges(a) if a == &["table.public.notes.index.notes_body_idx".to_string()]),
        "{e:?}"
    );
}

#[tokio::test]
async fn a_plan_that_forgets_to_drop_an_owned_table_is_caught() {
    // Live: the configured table without its index, and a table the state owns that the
    // config no longer has.
    let state = StateView {
        owned: ["table.public.notes", "table.public.old_notes"]
            .map(String::from)
            .into(),
        ..Default::default()
    };
    let planned = planned_on(
        "rehearse_forgotten_drop",
        "create table notes (id uuid primary key, body text);
         create table old_notes (id uuid primary key)",
        &state,
    )
    .await;
    let drop = "table.public.old_notes";
    assert!(
        planned.plan.steps.iter().any(|s| s.address == drop),
        "{:#?}",
        planned.plan.steps
    );
    // The whole plan converges.
    let r = engine::rehearse(&planned, &common::options())
        .await
        .unwrap();
    assert_eq!(r, Rehearsal::Passed);
    // Without its drop step it runs (the index is built), but leaves the owned table behind.
    let mut p = planned;
    p.plan.steps.retain(|s| s.address != drop);
    let err = engine::rehearse(&p, &common::options()).await.unwrap_err();
    assert!(
        matches!(err.downcast_ref::<RehearsalError>(), Some(RehearsalError::Diverges(a)) if a == &[drop.to_string()]),
        "{err:?}"
    );
}

/// A configuration no earlier run has normalised (so the normalisation is not cached).
fn unique_config() -> supaform::config::Config {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let hcl = format!(
        "{HCL}\ntable \"fresh_{}_{nanos}\" {{\n  column \"id\" {{ type = \"uuid\" }}\n}}\n",
        std::process::id()
    );
    let opts = LoadOptions {
        env: Box::new(|_| None),
        ..Default::default()
    };
    load_str(Path::new("."), &[("main.hcl", hcl.as_str())], &opts).unwrap()
}

async fn database_exists(name: &str) -> bool {
    let c = common::connect(&common::server().url("postgres")).await;
    c.query_opt("select 1 from pg_database where datname = $1", &[&name])
        .await
        .unwrap()
        .is_some()
}

async fn prepared(
    cfg: &supaform::config::Config,
    url: &str,
    rehearsal: bool,
) -> (engine::Planned, Option<engine::Baseline>) {
    engine::plan_config_prepared(
        cfg,
        "test",
        url,
        &StateView::default(),
        &common::options(),
        rehearsal,
    )
    .await
    .unwrap()
}

async fn live_notes(tag: &str) -> String {
    common::server();
    let url = common::fresh_db(tag).await;
    let c = supaform::db::connect(&url).await.unwrap();
    c.batch_execute("create table notes (id uuid primary key)")
        .await
        .unwrap();
    url
}

#[tokio::test]
async fn a_baseline_built_while_normalising_rehearses_the_plan_and_is_dropped() {
    let url = live_notes("rehearse_overlap").await;
    let cfg = unique_config();
    let (planned, baseline) = prepared(&cfg, &url, true).await;
    let baseline = baseline.expect("a baseline is prepared when normalisation is not cached");
    let name = baseline.database().to_string();
    assert!(database_exists(&name).await);
    let r = engine::rehearse_with(Some(baseline), &planned, &common::options())
        .await
        .unwrap();
    assert_eq!(r, Rehearsal::Passed);
    assert!(
        !database_exists(&name).await,
        "{name} is dropped after the rehearsal"
    );
}

#[tokio::test]
async fn a_prepared_baseline_still_catches_a_failing_plan_and_is_dropped() {
    let url = live_notes("rehearse_overlap_fail").await;
    let (mut planned, baseline) = prepared(&unique_config(), &url, true).await;
    let baseline = baseline.expect("a baseline");
    let name = baseline.database().to_string();
    let step = planned
        .plan
        .steps
        .iter_mut()
        .find(|s| s.address == "table.public.notes.column.body")
        .expect("the add-column step");
    step.sql = vec!["ALTER TABLE \"public\".\"notes\" ADD COLUMN \"body\" no_such_type".into()];
    let err = engine::rehearse_with(Some(baseline), &planned, &common::options())
        .await
        .unwrap_err();
    assert!(
        matches!(err.downcast_ref::<RehearsalError>(), Some(RehearsalError::Failed(m)) if m.contains("no_such_type")),
        "{err:?}"
    );
    assert!(
        !database_exists(&name).await,
        "{name} is dropped after a failed rehearsal"
    );
}

#[tokio::test]
async fn an_unused_baseline_is_discarded_and_none_is_made_without_rehearsal() {
    let url = live_notes("rehearse_overlap_discard").await;
    let cfg = unique_config();
    let (_, none) = prepared(&cfg, &url, false).await;
    assert!(none.is_none(), "no baseline when no rehearsal is wanted");
    let (_, some) = prepared(&unique_config(), &url, true).await;
    let baseline = some.expect("a baseline");
    let name = baseline.database().to_string();
    baseline.discard().await;
    assert!(
        !database_exists(&name).await,
        "{name} is dropped by discard"
    );
}

/// A plain PostgreSQL target (made from `template0`: none of Supabase's grants on the
/// public schema or default privileges) is rehearsed: the scratch copy, made on the
/// Supabase-like dev server, is brought to the target's own privileges first.
#[tokio::test]
async fn a_plain_postgres_target_is_rehearsed_with_its_own_privileges() {
    common::server();
    let name = format!("t{}_plain_rehearse", std::process::id());
    let admin = common::connect(&common::server().url("postgres")).await;
    admin
        .batch_execute(&format!("DROP DATABASE IF EXISTS {name}"))
        .await
        .unwrap();
    admin
        .batch_execute(&format!("CREATE DATABASE {name} TEMPLATE template0"))
        .await
        .unwrap();
    let url = common::server().url(&name);
    let c = supaform::db::connect(&url).await.unwrap();
    c.batch_execute(
        "create table public.notes (id uuid primary key);
         create schema app;
         create table app.items (id int primary key);
         grant usage on schema app to authenticated;
         grant select on app.items to authenticated;
         alter default privileges in schema app grant select on tables to authenticated;",
    )
    .await
    .unwrap();
    let opts = LoadOptions {
        env: Box::new(|_| None),
        ..Default::default()
    };
    let cfg = load_str(Path::new("."), &[("main.hcl", HCL)], &opts).unwrap();
    let p = engine::plan_config(
        &cfg,
        "test",
        &url,
        &StateView::default(),
        &common::options(),
    )
    .await
    .unwrap();
    assert!(
        p.plan
            .steps
            .iter()
            .any(|s| s.address.ends_with("column.body")),
        "{:#?}",
        p.plan.steps
    );
    let r = engine::rehearse(&p, &common::options()).await.unwrap();
    drop(c);
    let _ = admin
        .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .await;
    assert_eq!(r, Rehearsal::Passed);
}

/// Roles a project names but the dev server lacks are created there (as `NOLOGIN`), once.
#[tokio::test]
async fn missing_roles_are_created_on_the_dev_server_once() {
    common::server();
    let c = common::connect(&common::server().url("postgres")).await;
    let role = format!("app_reader_{}", std::process::id());
    supaform::db::ensure_roles(&c, [role.as_str(), "public", "anon"])
        .await
        .unwrap();
    supaform::db::ensure_roles(&c, [role.as_str()])
        .await
        .unwrap();
    let rows = c
        .query(
            "select rolcanlogin from pg_catalog.pg_roles where rolname = $1",
            &[&role],
        )
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert!(!rows[0].get::<_, bool>(0), "created NOLOGIN");
    c.batch_execute(&format!("DROP ROLE \"{role}\""))
        .await
        .unwrap();
}
