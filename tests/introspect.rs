//! Introspection against a real PostgreSQL server: every corpus schema is loaded into a
//! fresh database, introspected, written as HCL and loaded back; the two models must be
//! equal.

use std::path::{Path, PathBuf};
use supaform::config::{self, write::write_model, LoadOptions};
use supaform::introspect::{introspect, IntrospectOptions, Live};
use supaform::model::Model;

mod scratch {
    //! Temporary harness until the embedded server (`tests/common`) lands.
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);

    pub fn admin_url() -> String {
        std::env::var("SUPAFORM_TEST_ADMIN_URL").unwrap_or_else(|_| {
            "postgresql://postgres@127.0.0.1:55432/postgres?sslmode=disable".into()
        })
    }

    pub async fn fresh_db(tag: &str) -> String {
        let admin = supaform::db::connect(&admin_url())
            .await
            .expect("admin connection");
        let name = format!(
            "t_{}_{}_{}",
            tag.replace(|c: char| !c.is_ascii_alphanumeric(), "_"),
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        );
        admin
            .batch_execute(&format!(
                "CREATE DATABASE {} TEMPLATE sf_template",
                supaform::quote::ident(&name)
            ))
            .await
            .expect("create database");
        admin_url().replace("/postgres?", &format!("/{name}?"))
    }
}

use scratch::fresh_db;

fn opts() -> IntrospectOptions {
    IntrospectOptions::default()
}

/// Options for a corpus file: a `-- schemas: a, b` first line names the managed schemas.
fn opts_for(sql: &str) -> IntrospectOptions {
    let mut o = opts();
    if let Some(list) = sql
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("-- schemas:"))
    {
        o.schemas = list.split(',').map(|s| s.trim().to_string()).collect();
    }
    o
}

async fn load_and_introspect(tag: &str, sql: &str, opts: &IntrospectOptions) -> Live {
    let url = fresh_db(tag).await;
    let client = supaform::db::connect(&url).await.expect("connect");
    client
        .batch_execute(sql)
        .await
        .unwrap_or_else(|e| panic!("{tag}: loading the SQL failed: {e:?}"));
    introspect(&client, opts)
        .await
        .unwrap_or_else(|e| panic!("{tag}: introspection failed: {e}"))
}

/// Write the model as HCL, load it back, and return the loaded model and the files.
fn reload(model: &Model) -> Result<(Model, Vec<(String, String)>), String> {
    let files = write_model(model);
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    let cfg = config::load_str(Path::new("."), &refs, &LoadOptions::default()).map_err(|d| {
        let text: String = files.iter().map(|(n, t)| format!("--- {n}\n{t}")).collect();
        format!("{:?}\n{text}", miette::Report::new(d))
    })?;
    let mut loaded = cfg.model;
    loaded.environments.clear();
    Ok((loaded, files))
}

fn json(m: &Model) -> String {
    serde_json::to_string_pretty(m).unwrap()
}

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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_corpus_schema_round_trips_through_hcl() {
    let mut failures = Vec::new();
    let files = corpus();
    assert!(
        files.len() >= 25 || std::env::var("CORPUS_ONLY").is_ok(),
        "the corpus has {} schemas",
        files.len()
    );
    // CORPUS_ONLY=NN_name runs one schema (for debugging).
    let only = std::env::var("CORPUS_ONLY").ok();
    for path in files {
        let tag = path.file_stem().unwrap().to_string_lossy().to_string();
        if only.as_ref().is_some_and(|o| !tag.starts_with(o.as_str())) {
            continue;
        }
        let sql = std::fs::read_to_string(&path).unwrap();
        let live = load_and_introspect(&tag, &sql, &opts_for(&sql)).await;
        assert_eq!(live.round_trips, 1);
        match reload(&live.model) {
            Err(e) => failures.push(format!("{tag}: the written HCL does not load:\n{e}")),
            Ok((loaded, files)) => {
                if loaded != live.model {
                    let diff = similar::TextDiff::from_lines(&json(&live.model), &json(&loaded))
                        .unified_diff()
                        .header("introspected", "reloaded")
                        .to_string();
                    failures.push(format!("{tag}: reloaded model differs:\n{diff}"));
                }
                let hcl: String = files.iter().map(|(n, t)| format!("--- {n}\n{t}")).collect();
                insta::assert_snapshot!(format!("corpus__{tag}"), hcl);
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
