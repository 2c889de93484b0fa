//! Introspection against a real PostgreSQL server: every corpus schema is loaded into a
//! fresh database, introspected, written as HCL and loaded back; the two models must be
//! equal.

use std::path::{Path, PathBuf};
use supaform::config::{self, write::write_model, LoadOptions};
use supaform::introspect::{introspect, IntrospectOptions, Live};
use supaform::model::Model;

mod common;

use common::fresh_db;

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
    // Which grants the config manages is a property of the config, not of the objects.
    loaded.grant_scope = None;
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
        // One, and one more for the storage buckets of a Supabase-like database.
        assert_eq!(live.round_trips, 2);
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

fn schema_with_tables(n: usize) -> String {
    let mut sql = String::new();
    for i in 0..n {
        sql.push_str(&format!(
            "create table public.t{i} (id bigint generated always as identity primary key, owner uuid not null, title text, created_at timestamptz not null default now());
             create index t{i}_owner_idx on public.t{i} (owner);
             alter table public.t{i} enable row level security;
             create policy t{i}_select on public.t{i} for select to authenticated using (owner = (select auth.uid()));\n"
        ));
    }
    sql
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn round_trips_do_not_grow_with_the_schema() {
    let one = load_and_introspect("rt_one", &schema_with_tables(1), &opts()).await;
    let fifty = load_and_introspect("rt_fifty", &schema_with_tables(50), &opts()).await;
    assert_eq!(one.model.tables.len(), 1);
    assert_eq!(fifty.model.tables.len(), 50);
    assert_eq!(fifty.model.policies.len(), 50);
    // The catalogs in one batch, the storage buckets in a second.
    assert_eq!(one.round_trips, 2);
    assert_eq!(fifty.round_trips, one.round_trips);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn introspection_leaves_no_session_state_behind() {
    // What a transaction-mode pooler needs: no named prepared statements, no SET that
    // outlives the transaction, no transaction left open.
    let url = fresh_db("pooler").await;
    let client = supaform::db::connect(&url).await.unwrap();
    client.batch_execute(&schema_with_tables(3)).await.unwrap();
    let before = client.simple_query("SHOW search_path").await.unwrap();
    introspect(&client, &opts()).await.unwrap();
    let rows = |msgs: Vec<tokio_postgres::SimpleQueryMessage>| -> Vec<String> {
        msgs.into_iter()
            .filter_map(|m| match m {
                tokio_postgres::SimpleQueryMessage::Row(r) => {
                    Some(r.get(0).unwrap_or("").to_string())
                }
                _ => None,
            })
            .collect()
    };
    let prepared = client
        .simple_query("SELECT count(*) FROM pg_prepared_statements")
        .await
        .unwrap();
    assert_eq!(rows(prepared), vec!["0"]);
    let after = client.simple_query("SHOW search_path").await.unwrap();
    assert_eq!(rows(after), rows(before));
    let status = client
        .simple_query("SELECT (now() = statement_timestamp())::text")
        .await
        .unwrap();
    // Inside a transaction left open, now() would be the earlier transaction start.
    assert_eq!(rows(status), vec!["true"], "a transaction was left open");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_the_model_cannot_hold_is_reported_not_dropped() {
    let sql = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/introspect/23_unmanaged.sql"),
    )
    .unwrap();
    let live = load_and_introspect("unmanaged", &sql, &opts()).await;
    let kinds: Vec<(String, String)> = live
        .unmanaged
        .iter()
        .map(|u| (u.kind.clone(), u.name.clone()))
        .collect();
    let ct = (
        "constraint trigger".to_string(),
        "public.events.events_check".to_string(),
    );
    assert!(kinds.contains(&ct), "{ct:?} not reported; got {kinds:?}");
    // Exclusion constraints are modelled now.
    let bookings = &live.model.tables[&supaform::model::QName::new("public", "bookings")];
    assert_eq!(
        bookings
            .exclusions
            .iter()
            .map(|x| (x.name.as_str(), x.definition.as_str()))
            .collect::<Vec<_>>(),
        [("bookings_during_excl", "USING gist (during WITH &&)")]
    );
    // The rest is still there; the standalone sequence's grants go with it (a config
    // could not create the sequence they apply to).
    assert!(live
        .model
        .tables
        .contains_key(&supaform::model::QName::new("public", "events")));
    // Standalone sequences are modelled now, with their grants.
    let invoice_numbers = supaform::model::QName::new("public", "invoice_numbers");
    assert!(live.model.sequences.contains_key(&invoice_numbers));
    assert!(live.model.grants.iter().any(
        |g| matches!(&g.target, supaform::model::GrantTarget::Sequence(q) if *q == invoice_numbers)
    ));
    // Overloads are modelled now, keyed by name and argument types.
    let dups: Vec<&str> = live
        .model
        .functions
        .keys()
        .filter(|q| q.name.starts_with("dup("))
        .map(|q| q.name.as_str())
        .collect();
    assert_eq!(dups, ["dup(integer)", "dup(text)"]);
    // Materialized views too.
    assert!(live.model.views[&supaform::model::QName::new("public", "event_counts")].materialized);
    // Procedures are modelled now.
    let cleanup = &live.model.functions[&supaform::model::QName::new("public", "cleanup")];
    assert!(cleanup.procedure && cleanup.returns.is_empty());
    // Domains and composite types are modelled now.
    assert!(live
        .model
        .domains
        .contains_key(&supaform::model::QName::new("public", "email")));
    assert!(live
        .model
        .composite_types
        .contains_key(&supaform::model::QName::new("public", "pair")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_indexes_and_platform_objects_stay_out_of_the_model() {
    let live = load_and_introspect(
        "invalid",
        "create extension citext schema public;
         create table public.t (id int primary key, email public.citext);
         create index t_email_idx on public.t (email);
         update pg_catalog.pg_index set indisvalid = false where indexrelid = 'public.t_email_idx'::regclass;
         insert into public.t select g, 'x' || g from generate_series(1, 100) g;
         analyze public.t;",
        &opts(),
    )
    .await;
    let t = &live.model.tables[&supaform::model::QName::new("public", "t")];
    assert!(t.indexes.is_empty());
    assert_eq!(
        live.invalid_indexes,
        vec![(
            supaform::model::QName::new("public", "t"),
            "t_email_idx".to_string()
        )]
    );
    assert_eq!(live.row_estimates[&t.name], 100);
    // citext's own functions and types belong to the extension; auth and storage are
    // platform schemas.
    assert!(
        live.model.functions.is_empty(),
        "{:?}",
        live.model.functions.keys()
    );
    assert!(live.model.tables.keys().all(|q| q.schema == "public"));
    assert!(live.model.extensions.contains_key("citext"));
    assert!(live.server_version_num >= 140000);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn import_writes_a_config_that_validates() {
    let sql = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/introspect/27_app_file_uploads.sql"),
    )
    .unwrap();
    let url = fresh_db("cli_import").await;
    let client = supaform::db::connect(&url).await.unwrap();
    client.batch_execute(&sql).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("infra");
    let bin = env!("CARGO_BIN_EXE_supaform");
    let run = |args: &[&str]| {
        std::process::Command::new(bin)
            .args(args)
            .current_dir(dir.path())
            .env("NO_COLOR", "1")
            .output()
            .unwrap()
    };
    let o = run(&[
        "import",
        "--database-url",
        &url,
        "--out",
        out.to_str().unwrap(),
    ]);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(stdout.contains("table_public_files.hcl"), "{stdout}");
    assert!(stdout.contains("Imported 3 tables"), "{stdout}");
    assert!(out.join("table_public_files.hcl").is_file());

    let v = run(&["-c", out.to_str().unwrap(), "validate"]);
    assert!(v.status.success(), "{}", String::from_utf8_lossy(&v.stderr));

    // The imported config loads to the model introspection sees (minus pinned versions):
    // every user schema, as import reads by default.
    let all = IntrospectOptions {
        all_user_schemas: true,
        ..opts()
    };
    let live = introspect(&client, &all).await.unwrap();
    let cfg = config::load(&out, &LoadOptions::default()).unwrap();
    let mut loaded = cfg.model;
    loaded.environments.clear();
    // Which grants the config manages is a property of the config, not of the objects.
    loaded.grant_scope = None;
    assert_eq!(loaded, supaform::cli::import::import_model(&live));

    // A second import refuses to overwrite, and says how to.
    let again = run(&[
        "import",
        "--database-url",
        &url,
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(!again.status.success());
    let err = String::from_utf8_lossy(&again.stderr);
    assert!(err.contains("--force"), "{err}");
    let forced = run(&[
        "import",
        "--database-url",
        &url,
        "--out",
        out.to_str().unwrap(),
        "--force",
    ]);
    assert!(
        forced.status.success(),
        "{}",
        String::from_utf8_lossy(&forced.stderr)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connection_errors_are_clear_and_never_show_the_password() {
    let e = supaform::db::connect(
        "postgresql://postgres:hunter2@127.0.0.1:1/x?sslmode=disable&connect_timeout=2",
    )
    .await
    .unwrap_err();
    let msg = format!("{e} {e:?}");
    assert!(msg.contains("cannot reach"), "{msg}");
    assert!(!msg.contains("hunter2"), "{msg}");

    let url = fresh_db("no_tls").await;
    // The test server offers no TLS: sslmode=require must fail, and say it is TLS.
    let mut required = supaform::db::DbUrl::parse(&url).unwrap();
    required.sslmode = supaform::db::SslMode::Require;
    let e = supaform::db::connect_url(&required).await.unwrap_err();
    assert!(matches!(e, supaform::db::DbError::Tls { .. }), "{e:?}");
}

/// The acceptance check: planning an imported configuration against the database
/// it came from shows no changes.
async fn plan_after_import(tag: &str, file: &str) -> (i32, String) {
    let sql = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/introspect")
            .join(file),
    )
    .unwrap();
    let url = fresh_db(tag).await;
    let client = supaform::db::connect(&url).await.unwrap();
    client.batch_execute(&sql).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("infra");
    let bin = env!("CARGO_BIN_EXE_supaform");
    let o = std::process::Command::new(bin)
        .args([
            "import",
            "--database-url",
            &url,
            "--out",
            out.to_str().unwrap(),
        ])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    std::fs::write(
        out.join("environments.hcl"),
        format!(
            "environment \"source\" {{\n  database_url = {}\n}}\n",
            supaform::config::write::hcl_string(&url)
        ),
    )
    .unwrap();
    let p = std::process::Command::new(bin)
        .args([
            "-c",
            out.to_str().unwrap(),
            "plan",
            "-e",
            "source",
            "--detailed-exitcode",
            "--no-rehearse",
        ])
        .env("NO_COLOR", "1")
        .env("SUPAFORM_CACHE_DIR", common::cache_dir())
        .output()
        .unwrap();
    (
        p.status.code().unwrap_or(-1),
        format!(
            "{}{}",
            String::from_utf8_lossy(&p.stdout),
            String::from_utf8_lossy(&p.stderr)
        ),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_imported_config_plans_no_changes_against_its_source() {
    for file in [
        "29_app_todo.sql",
        "26_app_chat.sql",
        "06_indexes.sql",
        "13_triggers_auth_users.sql",
    ] {
        let (code, out) = plan_after_import(file, file).await;
        assert_eq!(code, 0, "{file}: plan after import is not empty:\n{out}");
    }
}

/// Every user schema by default: `import` without `--schema` reads `private` too, writes
/// its `schema` block and no `project.schemas` (so later schemas are covered as well), and
/// the plan against the source is empty.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_user_schema_is_imported_and_planned_by_default() {
    let (code, out) = plan_after_import("private_schema", "31_app_private_schema.sql").await;
    assert_eq!(code, 0, "plan after import is not empty:\n{out}");

    let sql = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/introspect/31_app_private_schema.sql"),
    )
    .unwrap();
    let url = fresh_db("private_schema_model").await;
    let client = supaform::db::connect(&url).await.unwrap();
    client.batch_execute(&sql).await.unwrap();
    let all = IntrospectOptions {
        all_user_schemas: true,
        ..opts()
    };
    let live = introspect(&client, &all).await.unwrap();
    let m = &live.model;
    assert_eq!(m.project.schemas, ["private", "public"]);
    assert!(m.schemas.contains_key("private"));
    assert!(m
        .tables
        .contains_key(&supaform::model::QName::new("private", "memberships")));
    assert!(m
        .functions
        .contains_key(&supaform::model::QName::new("private", "is_member")));
    // Platform schemas stay out, whatever they hold.
    assert!(m
        .tables
        .keys()
        .all(|q| q.schema != "auth" && q.schema != "storage"));
    let written = supaform::config::write::write_model(&supaform::cli::import::import_model(&live));
    let project = &written
        .iter()
        .find(|(f, _)| f == "project.hcl")
        .expect("project.hcl")
        .1;
    assert!(project.contains("schema \"private\""), "{project}");
    assert!(!project.contains("schemas"), "{project}");

    // Narrowed to public, the other schema is not read.
    let public = introspect(&client, &opts()).await.unwrap();
    assert_eq!(public.model.project.schemas, ["public"]);
    assert!(public.model.tables.keys().all(|q| q.schema == "public"));
}
