//! Import, then plan: a config imported from a database plans no change against it. Run
//! over the whole introspection corpus (tests/introspect/*.sql).

mod common;

use std::path::{Path, PathBuf};
use supaform::config::{load_str, LoadOptions};
use supaform::engine::{self, StateView};
use supaform::introspect::{introspect, IntrospectOptions};

fn corpus() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/introspect");
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "sql"))
        .collect();
    v.sort();
    v
}

fn schemas_of(sql: &str) -> Vec<String> {
    sql.lines()
        .next()
        .and_then(|l| l.strip_prefix("-- schemas:"))
        .map(|l| l.split(',').map(|s| s.trim().to_string()).collect())
        .unwrap_or_else(|| vec!["public".to_string()])
}

async fn check(path: &Path) -> Result<(), String> {
    let name = path.file_stem().unwrap().to_string_lossy().to_string();
    let sql = std::fs::read_to_string(path).unwrap();
    let url = common::fresh_db(&format!("imp_{name}")).await;
    let client = supaform::db::connect(&url)
        .await
        .map_err(|e| e.to_string())?;
    client
        .batch_execute(&sql)
        .await
        .map_err(|e| format!("loading: {e:?}"))?;
    let opts = IntrospectOptions {
        schemas: schemas_of(&sql),
        ..Default::default()
    };
    let live = introspect(&client, &opts)
        .await
        .map_err(|e| e.to_string())?;
    let mut model = supaform::cli::import::import_model(&live);
    model.project.schemas = opts.schemas.clone();
    let files = supaform::config::write::write_model(&model);
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    let load = LoadOptions {
        env: Box::new(|_| None),
        ..Default::default()
    };
    let cfg = load_str(Path::new("."), &refs, &load)
        .map_err(|d| format!("the import does not load: {}", d.summary()))?;
    let planned = engine::plan_config(
        &cfg,
        "test",
        &url,
        &StateView::default(),
        &common::options(),
    )
    .await
    .map_err(|e| format!("{e:?}"))?;
    let steps: Vec<String> = planned
        .plan
        .steps
        .iter()
        .map(|s| format!("{} {} — {}", s.action.symbol(), s.address, s.sql.join("; ")))
        .collect();
    if steps.is_empty() {
        Ok(())
    } else {
        Err(steps.join("\n    "))
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_imported_config_plans_no_change_against_its_database() {
    common::server();
    let mut failures = Vec::new();
    for path in corpus() {
        if let Err(e) = check(&path).await {
            failures.push(format!(
                "{}:\n    {e}",
                path.file_name().unwrap().to_string_lossy()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} schemas plan changes after import:\n{}",
        failures.len(),
        corpus().len(),
        failures.join("\n")
    );
}
