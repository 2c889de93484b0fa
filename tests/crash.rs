//! Crash tests of `supaform apply` (issue 5): the real binary is killed by SIGKILL at
//! named points (`SUPAFORM_CRASH_AT`, see `supaform::util::crash_point`): mid-COPY of a
//! backup, mid-transaction, between phases, mid-state-write, during a concurrent index
//! build, between Edge Function deploys. After each crash: every phase is applied fully or
//! not at all, the state file is valid, a re-run converges, and nothing is lost (row
//! checksums of every table equal those before, except the column the plan drops, which
//! the backup holds byte for byte).

mod common;

use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Every crash point the change below passes through.
const POINTS: &[&str] = &[
    "after_lock",
    "after_plan",
    "before_backup",
    "backup_mid_copy",
    "backup_before_rename",
    "backup_after_manifest",
    "pre_after_statement_1",
    "pre_after_statement_2",
    "tx_after_begin",
    "tx_after_statement_first",
    "tx_after_statement_middle",
    "tx_after_statement_last",
    "tx_before_commit",
    "tx_after_commit",
    "state_after_temp_write",
    "state_after_backup_copy",
    "state_after_rename",
    "validate_after_add",
    "validate_after_step_1",
    "between_tx_and_concurrent",
    "concurrent_during_build",
    "concurrent_after_step_1",
    "before_functions",
    "functions_after_secrets",
    "functions_after_first_deploy",
    "before_verify",
];

/// How many crash scenarios run at once.
const PARALLEL: usize = 3;

const ENV: &str = "test";

const V1: &str = r#"
enum "status" {
  values = ["active", "archived"]
}

table "accounts" {
  column "id" { type = "bigint" }
  column "name" { type = "text" }
  column "status" {
    type    = enum.status
    default = "active"
  }
  column "note" {
    type     = "text"
    null = true
  }
  primary_key = ["id"]
  rls { enabled = true }
}

table "events" {
  column "id" { type = "bigint" }
  column "account_id" { type = "bigint" }
  column "payload" { type = "text" }
  primary_key = ["id"]
}

table "tags" {
  column "id" { type = "bigint" }
  column "label" { type = "text" }
  primary_key = ["id"]
}

policy "accounts_read" {
  table   = table.accounts
  command = "select"
  roles   = ["authenticated"]
  using   = "true"
}
"#;

/// Every phase: pre (two enum values), transaction (a new table, a new column, a dropped
/// column holding data, a check, a changed and a new policy), concurrent (an index on the
/// big table), functions (a secret and two Edge Functions in a directory target).
const V2: &str = r#"
enum "status" {
  values = ["active", "archived", "suspended", "closed"]
}

table "accounts" {
  column "id" { type = "bigint" }
  column "name" { type = "text" }
  column "status" {
    type    = enum.status
    default = "active"
  }
  primary_key = ["id"]
  check "name_not_empty" {
    expression = "name <> ''"
  }
  rls { enabled = true }
}

table "events" {
  column "id" { type = "bigint" }
  column "account_id" { type = "bigint" }
  column "payload" { type = "text" }
  primary_key = ["id"]
  index "events_payload_idx" {
    columns = ["payload"]
  }
}

table "tags" {
  column "id" { type = "bigint" }
  column "label" { type = "text" }
  column "color" {
    type    = "text"
    default = "grey"
  }
  primary_key = ["id"]
}

table "audit_log" {
  column "id" { type = "bigint" }
  column "message" { type = "text" }
  primary_key = ["id"]
}

policy "accounts_read" {
  table   = table.accounts
  command = "select"
  roles   = ["authenticated", "anon"]
  using   = "status <> 'closed'"
}

policy "tags_read" {
  table   = table.tags
  command = "select"
  roles   = ["authenticated"]
  using   = "true"
}

secret "CRASH_KEY" { value = env("CRASH_KEY") }

edge_function "hello" {
  source = "functions/hello"
}

edge_function "bye" {
  source = "functions/bye"
}
"#;

/// The columns each table had before the change, minus the one the change drops.
const KEPT: &[(&str, &str)] = &[
    ("accounts", "id, name, status"),
    ("events", "id, account_id, payload"),
    ("tags", "id, label"),
];

const DATA: &str = "
insert into public.accounts (id, name, status, note)
  select g, 'account ' || g, case when g % 7 = 0 then 'archived' else 'active' end::public.status,
         repeat(md5(g::text), 3) || E'\\ttab\\nline ' || g
  from generate_series(1, 20000) g;
update public.accounts set note = null where id % 11 = 0;
insert into public.events (id, account_id, payload)
  select g, g % 20000 + 1, md5(g::text) || md5((g * 7)::text)
  from generate_series(1, 150000) g;
insert into public.tags (id, label) select g, 'tag ' || g from generate_series(1, 3000) g;
analyze;
";

fn supaform(dir: &Path, args: &[&str], crash_at: Option<&str>) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_supaform"));
    c.current_dir(dir)
        .args(args)
        .env("NO_COLOR", "1")
        .env("SUPAFORM_CACHE_DIR", common::cache_dir())
        .env("CRASH_KEY", "k-123");
    match crash_at {
        Some(p) => c.env("SUPAFORM_CRASH_AT", p),
        None => c.env_remove("SUPAFORM_CRASH_AT"),
    };
    c.output().expect("run supaform")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

const APPLY: &[&str] = &[
    "apply",
    "-e",
    ENV,
    "--auto-approve",
    "--allow-dangerous",
    "--no-rehearse",
    "--lock-wait",
    "30",
];

fn write(dir: &Path, rel: &str, body: &str) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, body).unwrap();
}

/// A config directory for `url` holding `main`.
fn project(dir: &Path, url: &str, main: &str) {
    write(
        dir,
        "env.hcl",
        &format!(
            "environment \"{ENV}\" {{\n  database_url  = \"{url}\"\n  functions_dir = \"deployed\"\n}}\n"
        ),
    );
    write(dir, "main.hcl", main);
    write(
        dir,
        "functions/hello/index.ts",
        "Deno.serve(() => new Response('hello'));\n",
    );
    write(
        dir,
        "functions/bye/index.ts",
        "Deno.serve(() => new Response('bye'));\n",
    );
}

async fn rows(c: &tokio_postgres::Client, sql: &str) -> Vec<String> {
    c.simple_query(sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .into_iter()
        .filter_map(|m| match m {
            tokio_postgres::SimpleQueryMessage::Row(r) => Some(r.get(0).unwrap_or("").to_string()),
            _ => None,
        })
        .collect()
}

async fn one(c: &tokio_postgres::Client, sql: &str) -> String {
    rows(c, sql).await.into_iter().next().unwrap_or_default()
}

/// Row checksums of the columns every table keeps.
async fn checksums(c: &tokio_postgres::Client) -> Vec<(String, String)> {
    let mut out = vec![];
    for (t, cols) in KEPT {
        let sum = one(
            c,
            &format!(
                "select count(*) || ':' || md5(string_agg(row({cols})::text, '|' order by id)) from public.{t}"
            ),
        )
        .await;
        out.push((t.to_string(), sum));
    }
    out
}

async fn copy_out(c: &tokio_postgres::Client, sql: &str) -> Vec<u8> {
    use futures_util::StreamExt;
    let stream = c.copy_out(sql).await.unwrap();
    let mut stream = std::pin::pin!(stream);
    let mut out = vec![];
    while let Some(chunk) = stream.next().await {
        out.extend_from_slice(&chunk.unwrap());
    }
    out
}

/// What the transaction phase changes, each true when applied.
async fn tx_effects(c: &tokio_postgres::Client) -> Vec<(&'static str, bool)> {
    let q = |sql: &'static str| async move { one(c, sql).await == "t" };
    vec![
        (
            "table audit_log exists",
            q("select to_regclass('public.audit_log') is not null").await,
        ),
        (
            "column accounts.note dropped",
            q("select not exists (select 1 from information_schema.columns where table_schema = 'public' and table_name = 'accounts' and column_name = 'note')").await,
        ),
        (
            "column tags.color added",
            q("select exists (select 1 from information_schema.columns where table_schema = 'public' and table_name = 'tags' and column_name = 'color')").await,
        ),
        (
            "policy tags_read added",
            q("select exists (select 1 from pg_policies where policyname = 'tags_read')").await,
        ),
        (
            "policy accounts_read altered",
            q("select exists (select 1 from pg_policies where policyname = 'accounts_read' and 'anon' = any(roles))").await,
        ),
    ]
}

struct Base {
    name: String,
    state: Vec<u8>,
    serial: u64,
    sums: Vec<(String, String)>,
    notes: Vec<u8>,
}

/// The database every scenario starts from: V1 applied, then filled with data. Cloned
/// per scenario with `CREATE DATABASE … TEMPLATE`.
async fn base() -> Base {
    let url = common::fresh_db("crash_base").await;
    let name = url
        .rsplit('/')
        .next()
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_string();
    let d = tempfile::tempdir().unwrap();
    project(d.path(), &url, V1);
    let out = supaform(d.path(), APPLY, None);
    assert!(out.status.success(), "initial apply: {}", text(&out));
    let c = common::connect(&url).await;
    c.batch_execute(DATA).await.unwrap();
    let state = std::fs::read(d.path().join("state").join(format!("{ENV}.json"))).unwrap();
    let serial = supaform::state::State::parse(std::str::from_utf8(&state).unwrap(), "base")
        .unwrap()
        .serial;
    let sums = checksums(&c).await;
    let notes = copy_out(&c, "COPY (SELECT id, note FROM public.accounts) TO STDOUT").await;
    assert!(
        notes.len() > 2 << 20,
        "the dropped column spans several backup chunks"
    );
    Base {
        name,
        state,
        serial,
        sums,
        notes,
    }
}

async fn clone_db(base: &str, name: &str) -> String {
    let admin = common::server().client("postgres").await.unwrap();
    let q = supaform::quote::ident(name);
    admin
        .batch_execute(&format!("drop database if exists {q} with (force)"))
        .await
        .unwrap();
    // The template must have no session; a just-finished apply's backend may linger.
    for _ in 0..100 {
        match admin
            .batch_execute(&format!(
                "create database {q} template {}",
                supaform::quote::ident(base)
            ))
            .await
        {
            Ok(()) => return common::server().url(name),
            Err(e) if e.to_string().contains("being accessed") => {
                tokio::time::sleep(Duration::from_millis(50)).await
            }
            Err(e) => panic!("create database {name}: {e}"),
        }
    }
    panic!("the template database {base} stays in use");
}

async fn drop_db(name: &str) {
    if let Ok(admin) = common::server().client("postgres").await {
        let _ = admin
            .batch_execute(&format!(
                "drop database if exists {} with (force)",
                supaform::quote::ident(name)
            ))
            .await;
    }
}

fn run_blocking(dir: PathBuf, args: &'static [&'static str], crash: Option<String>) -> Output {
    supaform(&dir, args, crash.as_deref())
}

/// The crashed backup left in `backups` copied under the names of the next seconds: the
/// re-run then starts a backup in a second whose directory a crashed one already holds.
fn occupy_next_seconds(backups: &Path) {
    let left: Vec<PathBuf> = std::fs::read_dir(backups)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(left.len(), 1, "one crashed backup: {left:?}");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    for s in 0..10 {
        let out = Command::new("date")
            .args(["-u", "-d", &format!("@{}", now + s), "+%Y%m%dT%H%M%SZ"])
            .output()
            .unwrap();
        let name = String::from_utf8(out.stdout).unwrap().trim().to_string();
        let to = backups.join(name);
        if to.exists() {
            continue;
        }
        std::fs::create_dir_all(&to).unwrap();
        for f in std::fs::read_dir(&left[0]).unwrap() {
            let f = f.unwrap().path();
            std::fs::copy(&f, to.join(f.file_name().unwrap())).unwrap();
        }
    }
}

/// One scenario: crash at `point`, check what is left, re-run, check convergence.
///
/// At `concurrent_during_build` the server goes on with the build the killed client
/// started (and holds the apply's advisory lock until it is done); with `kill_session`
/// the session is terminated too (a server restart, a dropped connection), which leaves
/// the index invalid.
async fn scenario(base: Arc<Base>, i: usize, point: &'static str, kill_session: bool) -> Duration {
    let t0 = Instant::now();
    let name = format!("t{}_{}_crash_{point}", std::process::id(), 1000 + i);
    let mut name = name;
    name.truncate(63);
    let url = clone_db(&base.name, &name).await;
    let d = tempfile::tempdir().unwrap();
    project(d.path(), &url, V2);
    write(
        d.path(),
        &format!("state/{ENV}.json"),
        std::str::from_utf8(&base.state).unwrap(),
    );
    let dir = d.path().to_path_buf();

    // An open snapshot holds a concurrent build before it can mark the index valid, so the
    // kill lands mid-build however fast the machine (it touches no table the apply locks).
    let snapshot = if point == "concurrent_during_build" {
        let h = common::connect(&url).await;
        h.batch_execute("BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT 1;")
            .await
            .unwrap();
        let pid = one(&h, "select pg_backend_pid()::text").await;
        Some((h, pid))
    } else {
        None
    };
    let snapshot_pid = snapshot.as_ref().map(|(_, pid)| pid.clone());
    let out = tokio::task::spawn_blocking({
        let dir = dir.clone();
        move || run_blocking(dir, APPLY, Some(point.to_string()))
    })
    .await
    .unwrap();
    assert_eq!(
        out.status.signal(),
        Some(9),
        "{point}: the apply should die by SIGKILL there: {:?}\n{}",
        out.status,
        text(&out)
    );

    let c = common::connect(&url).await;
    if let Some((h, _)) = &snapshot {
        let idx = one(
            &c,
            "select coalesce((select indisvalid::text from pg_index where indexrelid = to_regclass('public.events_payload_idx')), 'absent')",
        )
        .await;
        assert_eq!(
            idx, "false",
            "{point}: the kill should interrupt the index build, leaving it invalid"
        );
        if !kill_session {
            // The server goes on with the build once the snapshot is gone.
            h.batch_execute("COMMIT").await.unwrap();
        }
    }
    if kill_session {
        // The orphaned build goes first, while the snapshot still holds it: were the snapshot
        // released first, the build could mark the index valid before its own signal lands.
        let others = format!(
            "datname = current_database() and pid <> pg_backend_pid() and pid::text <> '{}'",
            snapshot_pid.as_deref().unwrap_or("0")
        );
        let _ = c
            .simple_query(&format!(
                "select pg_terminate_backend(pid) from pg_stat_activity where {others}"
            ))
            .await;
        for _ in 0..250 {
            if one(
                &c,
                &format!("select count(*) from pg_stat_activity where {others}"),
            )
            .await
                == "0"
            {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let idx = one(
            &c,
            "select coalesce((select indisvalid::text from pg_index where indexrelid = to_regclass('public.events_payload_idx')), 'absent')",
        )
        .await;
        assert_eq!(
            idx, "false",
            "{point}: the kill should interrupt the index build, leaving it invalid"
        );
    }
    // The snapshot's session ends here (if the kill above had not already ended it).
    drop(snapshot);

    // The state file: absent or valid, with the old serial or a newer one.
    let state_path = dir.join("state").join(format!("{ENV}.json"));
    let serial_after_crash = match std::fs::read_to_string(&state_path) {
        Ok(s) => {
            let st = supaform::state::State::parse(&s, "crash")
                .unwrap_or_else(|e| panic!("{point}: the state file is invalid: {e:?}"));
            assert!(
                (base.serial..=base.serial + 2).contains(&st.serial),
                "{point}: serial {} after the crash, was {}",
                st.serial,
                base.serial
            );
            st.serial
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            panic!("{point}: the state file is gone")
        }
        Err(e) => panic!("{point}: {e}"),
    };

    // The transaction phase: all or nothing.
    let effects = tx_effects(&c).await;
    let applied = effects[0].1;
    for (what, done) in &effects {
        assert_eq!(
            *done, applied,
            "{point}: transaction phase half applied: {what} = {done}, but {} = {applied}",
            effects[0].0
        );
    }
    let values = one(
        &c,
        "select string_agg(enumlabel, ',' order by enumsortorder) from pg_enum where enumtypid = 'public.status'::regtype",
    )
    .await;
    if applied {
        assert_eq!(values, "active,archived,suspended,closed", "{point}");
        // The state written after COMMIT knows the new objects once it has a new serial.
    } else {
        let idx = one(
            &c,
            "select to_regclass('public.events_payload_idx') is not null",
        )
        .await;
        assert_eq!(
            idx, "f",
            "{point}: the index is built after the transaction"
        );
        assert_eq!(
            serial_after_crash, base.serial,
            "{point}: a state newer than the database"
        );
    }
    let before_tx = [
        "after_lock",
        "after_plan",
        "before_backup",
        "backup_mid_copy",
        "backup_before_rename",
        "backup_after_manifest",
        "pre_after_statement_1",
        "pre_after_statement_2",
        "tx_after_begin",
        "tx_after_statement_first",
        "tx_after_statement_middle",
        "tx_after_statement_last",
        "tx_before_commit",
    ];
    assert_eq!(
        applied,
        !before_tx.contains(&point),
        "{point}: the transaction phase should be {}",
        if before_tx.contains(&point) {
            "rolled back"
        } else {
            "committed"
        }
    );
    // The check on the populated accounts table is the validate phase's: added NOT VALID
    // (a brief lock), then validated on its own, after the transaction.
    let check = one(
        &c,
        "select coalesce((select convalidated::text from pg_constraint where conname = 'name_not_empty'), 'absent')",
    )
    .await;
    let want = match point {
        "validate_after_add" => "false",
        _ if !applied => "absent",
        "tx_after_commit" => "absent",
        _ => "true",
    };
    assert_eq!(check, want, "{point}: the check name_not_empty");
    // Nothing kept is lost, even before the re-run.
    assert_eq!(checksums(&c).await, base.sums, "{point}: rows changed");
    drop(c);

    if point == "state_after_temp_write" || point == "state_after_backup_copy" {
        assert!(
            !temps(&dir).is_empty(),
            "{point}: the killed save left its temporary file"
        );
    }
    let crashed_backup = point == "backup_mid_copy" || point == "backup_before_rename";
    if crashed_backup {
        // The crashed backup: only a `.partial` folder, which restore refuses.
        let left: Vec<PathBuf> = std::fs::read_dir(dir.join("backups").join(ENV))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        assert_eq!(left.len(), 1, "{point}: {left:?}");
        let name = left[0].file_name().unwrap().to_string_lossy().into_owned();
        assert!(name.ends_with(".partial"), "{point}: {name}");
        assert_eq!(
            left[0].join("manifest.json").exists(),
            point == "backup_before_rename",
            "{point}"
        );
        if point == "backup_mid_copy" {
            let partial: u64 = std::fs::read_dir(&left[0])
                .unwrap()
                .map(|e| e.unwrap().metadata().unwrap().len())
                .sum();
            assert!(
                partial > 0 && partial < base.notes.len() as u64,
                "{point}: killed mid-COPY, {partial} bytes of {} written",
                base.notes.len()
            );
        }
        let restore = tokio::task::spawn_blocking({
            let dir = dir.clone();
            let arg = left[0].display().to_string();
            move || supaform(&dir, &["restore", &arg, "-e", ENV, "--auto-approve"], None)
        })
        .await
        .unwrap();
        assert_eq!(
            restore.status.code(),
            Some(1),
            "{point}: {}",
            text(&restore)
        );
        assert!(
            text(&restore).contains("is an incomplete backup") && text(&restore).contains(&name),
            "{point}: restore of the leftover: {}",
            text(&restore)
        );
    }
    if point == "backup_after_manifest" {
        occupy_next_seconds(&dir.join("backups").join(ENV));
    }

    // Re-run: converges.
    let out = tokio::task::spawn_blocking({
        let dir = dir.clone();
        move || run_blocking(dir, APPLY, None)
    })
    .await
    .unwrap();
    assert!(
        out.status.success(),
        "{point}: the re-run failed: {}",
        text(&out)
    );
    if crashed_backup {
        assert!(
            text(&out).contains("Removed an incomplete backup left by an interrupted run"),
            "{point}: the re-run does not report the leftover: {}",
            text(&out)
        );
    }
    let partials: Vec<PathBuf> = std::fs::read_dir(dir.join("backups").join(ENV))
        .map(|rd| rd.map(|e| e.unwrap().path()).collect::<Vec<PathBuf>>())
        .unwrap_or_default()
        .into_iter()
        .filter(|p: &PathBuf| p.to_string_lossy().ends_with(".partial"))
        .collect();
    assert!(
        partials.is_empty(),
        "{point}: leftovers after the re-run: {partials:?}"
    );
    let out = tokio::task::spawn_blocking({
        let dir = dir.clone();
        move || run_blocking(dir, &["plan", "-e", ENV, "--detailed-exitcode"], None)
    })
    .await
    .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{point}: the plan after the re-run is not empty: {}",
        text(&out)
    );
    let c = common::connect(&url).await;
    assert_eq!(
        one(
            &c,
            "select convalidated::text from pg_constraint where conname = 'name_not_empty'"
        )
        .await,
        "true",
        "{point}: after the re-run the check is validated"
    );
    drop(c);
    let st = supaform::state::State::parse(&std::fs::read_to_string(&state_path).unwrap(), "rerun")
        .unwrap();
    assert_eq!(
        temps(&dir),
        Vec::<String>::new(),
        "{point}: temporary files left"
    );
    assert!(st.serial > base.serial, "{point}");
    for f in ["hello", "bye"] {
        assert!(
            dir.join("deployed").join(f).exists(),
            "{point}: function {f} not deployed"
        );
    }

    let c = common::connect(&url).await;
    assert!(tx_effects(&c).await.iter().all(|e| e.1), "{point}");
    assert_eq!(
        one(&c, "select indisvalid::text from pg_index where indexrelid = to_regclass('public.events_payload_idx')").await,
        "true",
        "{point}"
    );
    assert_eq!(checksums(&c).await, base.sums, "{point}: rows changed");
    drop(c);

    // The dropped column: a complete backup (one with a manifest) holds it byte for byte.
    let backups = dir.join("backups").join(ENV);
    let mut complete = 0;
    for e in std::fs::read_dir(&backups).unwrap() {
        let b = e.unwrap().path();
        let Ok(m) = std::fs::read(b.join("manifest.json")) else {
            continue;
        };
        let m: serde_json::Value = serde_json::from_slice(&m).unwrap();
        let entry = m["entries"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["table"].as_str().unwrap_or("").ends_with("accounts"))
            .unwrap_or_else(|| panic!("{point}: no accounts entry in {}", b.display()));
        let data = std::fs::read(b.join(entry["data_file"].as_str().unwrap())).unwrap();
        assert!(
            data == base.notes,
            "{point}: the backup in {} differs from the dropped column ({} vs {} bytes)",
            b.display(),
            data.len(),
            base.notes.len()
        );
        complete += 1;
    }
    assert!(complete >= 1, "{point}: no complete backup");

    drop_db(&name).await;
    t0.elapsed()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apply_killed_at_any_point_converges_and_loses_nothing() {
    let t0 = Instant::now();
    common::server();
    let base = Arc::new(base().await);
    let sem = Arc::new(tokio::sync::Semaphore::new(PARALLEL));
    let mut set = tokio::task::JoinSet::new();
    // Every point with the killed client's session left to the server, and the build
    // interrupted once more with its session terminated too.
    let runs = POINTS
        .iter()
        .map(|p| (*p, false))
        .chain([("concurrent_during_build", true)]);
    for (i, (point, kill_session)) in runs.enumerate() {
        let base = base.clone();
        let sem = sem.clone();
        set.spawn(async move {
            let _permit = sem.acquire_owned().await.unwrap();
            let took = scenario(base, i, point, kill_session).await;
            let label = if kill_session {
                format!("{point} (session terminated)")
            } else {
                point.to_string()
            };
            (label, took)
        });
    }
    let mut failures = vec![];
    while let Some(r) = set.join_next().await {
        match r {
            Ok((point, took)) => eprintln!("crash point {point}: ok in {} ms", took.as_millis()),
            Err(e) => failures.push(format!("{e}")),
        }
    }
    drop_db(&base.name).await;
    eprintln!(
        "{} crash points ({} runs) in {} ms",
        POINTS.len(),
        POINTS.len() + 1,
        t0.elapsed().as_millis()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A crash mid-transaction leaves no stale lock: the next apply gets it at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_apply_leaves_no_lock_behind() {
    common::server();
    let url = common::fresh_db("crash_lock").await;
    let d = tempfile::tempdir().unwrap();
    project(d.path(), &url, V1);
    let out = supaform(d.path(), APPLY, Some("tx_after_statement_middle"));
    assert_eq!(out.status.signal(), Some(9), "{}", text(&out));
    // The server ends the dead client's session at once, and with it the lock.
    let c = common::connect(&url).await;
    let t = Instant::now();
    loop {
        let held = one(
            &c,
            "select count(*) from pg_locks l join pg_database d on d.oid = l.database where l.locktype = 'advisory' and d.datname = current_database()",
        )
        .await;
        if held == "0" {
            break;
        }
        assert!(
            t.elapsed() < Duration::from_secs(1),
            "the killed apply's advisory lock is still held after 1 s"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // The next apply gets both locks on the first try.
    let out = supaform(
        d.path(),
        &[
            "apply",
            "-e",
            ENV,
            "--auto-approve",
            "--no-rehearse",
            "--lock-wait",
            "0",
        ],
        None,
    );
    assert!(out.status.success(), "{}", text(&out));
}

/// With `state = "database"` the state is written inside the transaction phase: a crash
/// before `COMMIT` keeps the old state with the old schema, one after it the new state
/// with the new schema, and the functions phase's own state write is all or nothing too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_state_moves_with_the_transaction_across_crashes() {
    common::server();
    let mut set = tokio::task::JoinSet::new();
    for point in [
        "tx_after_statement_middle",
        "tx_before_commit",
        "tx_after_commit",
        "before_functions",
        "before_verify",
    ] {
        set.spawn(db_state_scenario(point));
    }
    while let Some(r) = set.join_next().await {
        r.unwrap();
    }
}

async fn db_state_scenario(point: &'static str) {
    let url = common::fresh_db(&format!("crash_dbstate_{point}")).await;
    let d = tempfile::tempdir().unwrap();
    let dir = d.path().to_path_buf();
    project(&dir, &url, V1);
    write(
        &dir,
        "env.hcl",
        &format!(
            "environment \"{ENV}\" {{\n  database_url  = \"{url}\"\n  functions_dir = \"deployed\"\n  state         = \"database\"\n}}\n"
        ),
    );
    let out = supaform(&dir, APPLY, None);
    assert!(out.status.success(), "{point}: {}", text(&out));
    let c = common::connect(&url).await;
    c.batch_execute(
        "insert into public.accounts (id, name, note) select g, 'a' || g, 'n' || g from generate_series(1, 500) g;
         insert into public.events (id, account_id, payload) select g, g, md5(g::text) from generate_series(1, 500) g;
         insert into public.tags (id, label) select g, 't' || g from generate_series(1, 50) g;",
    )
    .await
    .unwrap();
    let before = state_serial(&c).await;
    let sums = checksums(&c).await;

    write(&dir, "main.hcl", V2);
    let out = supaform(&dir, APPLY, Some(point));
    assert_eq!(out.status.signal(), Some(9), "{point}: {}", text(&out));
    let effects = tx_effects(&c).await;
    let applied = effects[0].1;
    assert!(
        effects.iter().all(|e| e.1 == applied),
        "{point}: {effects:?}"
    );
    let after = state_serial(&c).await;
    match point {
        "tx_after_statement_middle" | "tx_before_commit" => {
            assert!(!applied, "{point}");
            assert_eq!(after, before, "{point}: the state moved without the schema");
        }
        "tx_after_commit" => {
            assert!(applied, "{point}");
            assert_eq!(
                after,
                before + 1,
                "{point}: the state stayed behind the schema"
            );
        }
        _ => {
            assert!(applied, "{point}");
            assert!(after > before, "{point}");
        }
    }
    assert!(!dir.join("state").exists(), "{point}: no state file");
    assert_eq!(checksums(&c).await, sums, "{point}: rows changed");

    let out = supaform(&dir, APPLY, None);
    assert!(out.status.success(), "{point}: re-run: {}", text(&out));
    let out = supaform(&dir, &["plan", "-e", ENV, "--detailed-exitcode"], None);
    assert_eq!(out.status.code(), Some(0), "{point}: {}", text(&out));
    assert!(state_serial(&c).await > before, "{point}");
    assert_eq!(checksums(&c).await, sums, "{point}: rows changed");
}

async fn state_serial(c: &tokio_postgres::Client) -> u64 {
    one(
        c,
        &format!("select serial::text from supaform.state where environment = '{ENV}'"),
    )
    .await
    .parse()
    .unwrap()
}

/// Temporary state files in the state folder.
fn temps(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir.join("state"))
        .map(|r| {
            r.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.contains(".tmp-"))
                .collect()
        })
        .unwrap_or_default()
}

/// The very first apply killed after its transaction committed but before any state file
/// exists: no state file (valid: absent), the tables there, and the re-run adopts them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_first_apply_killed_before_its_state_exists_is_adopted_by_the_rerun() {
    common::server();
    let url = common::fresh_db("crash_first_apply").await;
    let d = tempfile::tempdir().unwrap();
    project(d.path(), &url, V1);
    let out = supaform(d.path(), APPLY, Some("state_after_temp_write"));
    assert_eq!(out.status.signal(), Some(9), "{}", text(&out));
    let state = d.path().join("state").join(format!("{ENV}.json"));
    assert!(!state.exists(), "the rename never happened");
    let c = common::connect(&url).await;
    assert_eq!(
        one(&c, "select to_regclass('public.accounts') is not null").await,
        "t"
    );
    let out = supaform(d.path(), APPLY, None);
    assert!(out.status.success(), "{}", text(&out));
    let st =
        supaform::state::State::parse(&std::fs::read_to_string(&state).unwrap(), "rerun").unwrap();
    assert!(
        st.resources.contains_key("table.public.accounts"),
        "{:?}",
        st.resources.keys()
    );
    assert_eq!(temps(d.path()), Vec::<String>::new());
    let out = supaform(d.path(), &["plan", "-e", ENV, "--detailed-exitcode"], None);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
}
