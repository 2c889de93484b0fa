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
    common::server();
    let url = common::fresh_db(tag).await;
    let c = supaform::db::connect(&url).await.unwrap();
    // Live: the table exists without its index and body column.
    c.batch_execute("create table notes (id uuid primary key)")
        .await
        .unwrap();
    let opts = LoadOptions {
        env: Box::new(|_| None),
        ..Default::default()
    };
    let cfg = load_str(Path::new("."), &[("main.hcl", HCL)], &opts).unwrap();
    engine::plan_config(
        &cfg,
        "test",
        &url,
        &StateView::default(),
        &common::options(),
    )
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
