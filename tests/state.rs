//! The state backends against real files, real processes and a real PostgreSQL server, and
//! `supaform state …` through the real binary.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};
use supaform::state::{DatabaseBackend, FileBackend, Resource, State, StateError};

fn resource(kind: &str) -> Resource {
    Resource {
        kind: kind.into(),
        fingerprint: Some(format!("blake3:{}", blake3::hash(kind.as_bytes()).to_hex())),
        attributes: serde_json::json!({ "name": kind }),
        ..Default::default()
    }
}

/// A state with a protected table, a policy depending on it and a secret.
fn sample(env: &str) -> State {
    let mut s = State::new(env);
    s.serial = 3;
    s.config_hash = "blake3:abc".into();
    let mut table = resource("table");
    table.prevent_destroy = true;
    s.resources.insert("table.public.profiles".into(), table);
    let mut policy = resource("policy");
    policy.dependencies = vec!["table.public.profiles".into()];
    s.resources
        .insert("policy.public.profiles.own".into(), policy);
    s.resources.insert(
        "secret.STRIPE_SECRET_KEY".into(),
        Resource {
            kind: "secret".into(),
            managed: Some(true),
            ..Default::default()
        },
    );
    s
}

fn bumped(s: &State) -> State {
    let mut n = s.clone();
    n.serial += 1;
    n
}

// --- file backend -----------------------------------------------------------------------

#[test]
fn save_is_atomic_and_keeps_the_previous_copy_as_backup() {
    let dir = tempfile::tempdir().unwrap();
    let f = FileBackend::for_environment(dir.path(), "prod").unwrap();
    assert_eq!(f.load().unwrap(), None);
    let s1 = sample("prod");
    f.save(&s1).unwrap();
    assert!(!f.backup_path().exists(), "no backup before a second save");
    let s2 = bumped(&s1);
    f.save(&s2).unwrap();
    assert_eq!(f.load().unwrap(), Some(s2.clone()));
    assert_eq!(
        std::fs::read_to_string(f.backup_path()).unwrap(),
        s1.to_json()
    );
    // Permissions of the current file carry over to the new one.
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&f.path, std::fs::Permissions::from_mode(0o600)).unwrap();
    let s3 = bumped(&s2);
    f.save(&s3).unwrap();
    let mode = std::fs::metadata(&f.path).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    assert_eq!(
        std::fs::read_to_string(f.backup_path()).unwrap(),
        s2.to_json()
    );
    // Only the state, its backup and nothing temporary are left in the folder.
    let mut names: Vec<String> = std::fs::read_dir(dir.path().join("state"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["prod.json", "prod.json.backup"]);
}

#[test]
fn a_write_failing_midway_leaves_the_old_state() {
    let dir = tempfile::tempdir().unwrap();
    let f = FileBackend::for_environment(dir.path(), "prod").unwrap();
    let s1 = sample("prod");
    f.save(&s1).unwrap();
    let before = std::fs::read(&f.path).unwrap();
    // The temporary file cannot be written (a directory squats its name): the save fails
    // before anything replaces the state.
    std::fs::create_dir(f.temp_path()).unwrap();
    let err = f.save(&bumped(&s1)).unwrap_err();
    assert!(matches!(err, StateError::Io { .. }), "{err}");
    assert!(
        err.to_string().contains("could not write the new state"),
        "{err}"
    );
    assert_eq!(std::fs::read(&f.path).unwrap(), before);
    assert_eq!(f.load().unwrap(), Some(s1.clone()));
    std::fs::remove_dir(f.temp_path()).unwrap();
    f.save(&bumped(&s1)).unwrap();
    assert_eq!(f.load().unwrap().unwrap().serial, s1.serial + 1);
}

#[test]
fn a_temp_file_left_by_a_crash_before_the_rename_is_ignored() {
    let dir = tempfile::tempdir().unwrap();
    let f = FileBackend::for_environment(dir.path(), "prod").unwrap();
    let s1 = sample("prod");
    f.save(&s1).unwrap();
    // A crash between writing the temporary file and renaming it: a half-written newer
    // state beside the real one.
    let stray = f.path.with_file_name(".prod.json.tmp-999999");
    let newer = bumped(&s1).to_json();
    std::fs::write(&stray, &newer[..newer.len() / 2]).unwrap();
    assert_eq!(f.load().unwrap(), Some(s1.clone()));
    f.save(&bumped(&s1)).unwrap();
    assert_eq!(f.load().unwrap().unwrap().serial, s1.serial + 1);
}

#[test]
fn kill_9_during_saves_never_leaves_a_broken_state() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("main.hcl"), "project { name = \"t\" }\n").unwrap();
    let f = FileBackend::for_environment(dir.path(), "local").unwrap();
    // A large state (about 1 MB) so the write and fsync take a while.
    let mut base = sample("local");
    for i in 0..3_000 {
        let mut r = resource("table");
        r.attributes = serde_json::json!({ "columns": vec![format!("column_{i}"); 8] });
        base.resources.insert(format!("table.public.t{i:05}"), r);
    }
    base.serial = 1;
    f.save(&base).unwrap();
    let push = |serial: u64| {
        let mut s = base.clone();
        s.serial = serial;
        let file = dir.path().join(format!("push-{serial}.json"));
        std::fs::write(&file, s.to_json()).unwrap();
        Command::new(env!("CARGO_BIN_EXE_supaform"))
            .args(["-c", dir.path().to_str().unwrap(), "state", "push"])
            .arg(&file)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    };
    // How long a whole push takes, to spread the kills over it.
    let t0 = Instant::now();
    assert!(push(2).wait().unwrap().success());
    let full = t0.elapsed();
    let (mut old_kept, mut new_written) = (0, 0);
    let rounds = 20u32;
    for i in 0..rounds {
        let serial = 3 + u64::from(i);
        let before = f.load().unwrap().unwrap().serial;
        let mut child = push(serial);
        std::thread::sleep(full * 3 * (i + 1) / (2 * rounds));
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        // Whatever the moment of the kill: a readable state, old or new, never a mix.
        let now = f
            .load()
            .unwrap_or_else(|e| panic!("after kill {i}: {e}"))
            .unwrap();
        assert!(
            now.serial == before || now.serial == serial,
            "{}",
            now.serial
        );
        assert_eq!(now.resources.len(), base.resources.len());
        if now.serial == serial {
            new_written += 1;
        } else {
            old_kept += 1;
        }
        // The lock died with the process.
        drop(f.lock(Duration::from_secs(5)).unwrap());
    }
    eprintln!(
        "kill -9 during state push (a whole push takes {full:?}): \
         {old_kept} kept the old state, {new_written} wrote the new one"
    );
}

#[test]
fn corrupt_json_is_a_clear_error_with_file_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let f = FileBackend::for_environment(dir.path(), "prod").unwrap();
    std::fs::create_dir_all(f.path.parent().unwrap()).unwrap();
    let broken = "{\n  \"format_version\": 1,\n  \"lineage\": \"x\"\n  \"serial\": 3\n}\n";
    std::fs::write(&f.path, broken).unwrap();
    let err = f.load().unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.starts_with(&format!("{}:4:3: ", f.path.display())),
        "{msg}"
    );
    assert!(msg.contains("expected `,` or `}`"), "{msg}");
    let code = miette::Diagnostic::code(&err).unwrap().to_string();
    assert_eq!(code, "supaform::state::corrupt");
    // Never silently replaced.
    assert!(f.save(&sample("prod")).is_err());
    assert_eq!(std::fs::read_to_string(&f.path).unwrap(), broken);
}

#[test]
fn a_newer_format_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let f = FileBackend::for_environment(dir.path(), "prod").unwrap();
    let mut v = serde_json::to_value(sample("prod")).unwrap();
    v["format_version"] = 2.into();
    std::fs::create_dir_all(f.path.parent().unwrap()).unwrap();
    let text = v.to_string();
    std::fs::write(&f.path, &text).unwrap();
    let err = f.load().unwrap_err();
    assert!(
        matches!(err, StateError::NewerFormat { found: 2, .. }),
        "{err}"
    );
    assert!(f.save(&sample("prod")).is_err());
    assert_eq!(std::fs::read_to_string(&f.path).unwrap(), text);
}

#[test]
fn save_refuses_a_stale_serial_or_another_lineage() {
    let dir = tempfile::tempdir().unwrap();
    let f = FileBackend::for_environment(dir.path(), "prod").unwrap();
    let s = sample("prod");
    f.save(&s).unwrap();
    let err = f.save(&s).unwrap_err();
    assert!(matches!(err, StateError::Conflict { .. }), "{err}");
    let mut other = bumped(&s);
    other.lineage = uuid::Uuid::new_v4().to_string();
    assert!(matches!(
        f.save(&other).unwrap_err(),
        StateError::Conflict { .. }
    ));
    f.save_forced(&other).unwrap();
    assert_eq!(f.load().unwrap(), Some(other));
}

#[test]
fn a_second_locker_waits_then_fails_naming_the_holder() {
    let dir = tempfile::tempdir().unwrap();
    let f = FileBackend::for_environment(dir.path(), "prod").unwrap();
    let held = f.lock(Duration::ZERO).unwrap();
    let lock_text = std::fs::read_to_string(f.lock_path()).unwrap();
    assert!(lock_text.starts_with(&format!("pid {}\nsince ", std::process::id())));

    // Another thread (its own descriptor, so flock applies) waits, then gives up.
    let g = f.clone();
    let t0 = Instant::now();
    let err = std::thread::spawn(move || g.lock(Duration::from_millis(400)).unwrap_err())
        .join()
        .unwrap();
    assert!(t0.elapsed() >= Duration::from_millis(400));
    let msg = err.to_string();
    assert!(
        msg.contains(&format!("locked by pid {} since 20", std::process::id())),
        "{msg}"
    );

    // A waiter succeeds once the holder lets go within its wait.
    let g = f.clone();
    let waiter = std::thread::spawn(move || g.lock(Duration::from_secs(10)).map(|_| ()));
    std::thread::sleep(Duration::from_millis(300));
    drop(held);
    waiter.join().unwrap().unwrap();
}

#[test]
fn a_second_process_fails_naming_the_holder_pid() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("main.hcl"), "project { name = \"t\" }\n").unwrap();
    let f = FileBackend::for_environment(dir.path(), "local").unwrap();
    f.save(&sample("local")).unwrap();
    let _held = f.lock(Duration::ZERO).unwrap();
    let t0 = Instant::now();
    let out = supaform(
        dir.path(),
        &[
            "state",
            "rm",
            "policy.public.profiles.own",
            "--lock-timeout",
            "1",
        ],
        &[],
    );
    assert!(t0.elapsed() >= Duration::from_secs(1));
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("locked by pid {}", std::process::id())),
        "{err}"
    );
    assert!(err.contains("supaform::state::locked"), "{err}");
    // Nothing was removed.
    assert_eq!(f.load().unwrap(), Some(sample_with_lineage(&f)));
}

fn sample_with_lineage(f: &FileBackend) -> State {
    f.load().unwrap().unwrap()
}

// --- database backend -------------------------------------------------------------------

#[tokio::test]
async fn database_backend_round_trip_and_rollback() {
    let url = common::fresh_db("state_db").await;
    let mut client = supaform::db::connect(&url).await.unwrap();
    let d = DatabaseBackend::new("prod");
    assert_eq!(d.load(&client).await.unwrap(), None, "no table yet");

    let s1 = sample("prod");
    let tx = client.transaction().await.unwrap();
    d.save_in(&tx, &s1).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(d.load(&client).await.unwrap(), Some(s1.clone()));
    // Another environment's row is separate.
    assert_eq!(
        DatabaseBackend::new("staging").load(&client).await.unwrap(),
        None
    );

    // Written inside a transaction that rolls back: unchanged.
    let tx = client.transaction().await.unwrap();
    d.save_in(&tx, &bumped(&s1)).await.unwrap();
    assert_eq!(d.load(&tx).await.unwrap().unwrap().serial, s1.serial + 1);
    tx.rollback().await.unwrap();
    assert_eq!(d.load(&client).await.unwrap(), Some(s1.clone()));

    // Stale serial, other lineage: refused.
    let tx = client.transaction().await.unwrap();
    let err = d.save_in(&tx, &s1).await.unwrap_err();
    assert!(matches!(err, StateError::Conflict { .. }), "{err}");
    drop(tx);
    let mut other = bumped(&s1);
    other.lineage = uuid::Uuid::new_v4().to_string();
    let tx = client.transaction().await.unwrap();
    assert!(d.save_in(&tx, &other).await.is_err());
    drop(tx);

    // The columns mirror the document.
    let row = client
        .query_one(
            "select lineage, serial, state->>'environment' from supaform.state where environment = 'prod'",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(row.get::<_, String>(0), s1.lineage);
    assert_eq!(row.get::<_, i64>(1), s1.serial as i64);
    assert_eq!(row.get::<_, String>(2), "prod");
}

#[tokio::test]
async fn two_transactions_writing_the_same_serial_one_wins_the_other_is_refused() {
    let url = common::fresh_db("state_race").await;
    let mut a = supaform::db::connect(&url).await.unwrap();
    let mut b = supaform::db::connect(&url).await.unwrap();
    let d = DatabaseBackend::new("prod");
    let s1 = sample("prod");
    let tx = a.transaction().await.unwrap();
    d.save_in(&tx, &s1).await.unwrap();
    tx.commit().await.unwrap();

    // Both read serial 3 and write serial 4; A writes first and commits while B waits.
    let ta = a.transaction().await.unwrap();
    d.save_in(&ta, &bumped(&s1)).await.unwrap();
    let d2 = d.clone();
    let next = bumped(&s1);
    let waiter = tokio::spawn(async move {
        let tb = b.transaction().await.unwrap();
        let r = d2.save_in(&tb, &next).await;
        drop(tb);
        r
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(!waiter.is_finished(), "B must wait for A's row lock");
    ta.commit().await.unwrap();
    let err = waiter.await.unwrap().unwrap_err();
    assert!(matches!(err, StateError::Conflict { .. }), "{err}");
    assert_eq!(d.load(&a).await.unwrap().unwrap().serial, s1.serial + 1);
}

#[tokio::test]
async fn the_supaform_schema_is_not_readable_by_api_roles() {
    let url = common::fresh_db("state_privs").await;
    let mut client = supaform::db::connect(&url).await.unwrap();
    let tx = client.transaction().await.unwrap();
    DatabaseBackend::new("prod")
        .save_in(&tx, &sample("prod"))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    for role in ["anon", "authenticated", "public"] {
        let row = client
            .query_one(
                "select pg_catalog.has_schema_privilege($1, 'supaform', 'USAGE'), \
                        pg_catalog.has_table_privilege($1, 'supaform.state', 'SELECT')",
                &[&role],
            )
            .await
            .unwrap();
        assert!(
            !row.get::<_, bool>(0),
            "{role} has USAGE on schema supaform"
        );
        assert!(!row.get::<_, bool>(1), "{role} can SELECT supaform.state");
    }
    // As anon, through SET ROLE like the Data API does: refused.
    client.batch_execute("set role anon").await.unwrap();
    let err = client
        .query("select * from supaform.state", &[])
        .await
        .unwrap_err();
    assert_eq!(
        err.code(),
        Some(&tokio_postgres::error::SqlState::INSUFFICIENT_PRIVILEGE)
    );
}

// --- the CLI ----------------------------------------------------------------------------

fn supaform(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_supaform"));
    c.arg("-c").arg(dir).args(args).env("NO_COLOR", "1");
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().unwrap()
}

fn stdout(o: &Output) -> String {
    assert!(
        o.status.success(),
        "failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout.clone()).unwrap()
}

/// The error output of a failed command, with miette's line wrapping undone (continuation
/// lines start with `|` or spaces) so messages can be matched whole.
fn stderr(o: &Output) -> String {
    assert!(
        !o.status.success(),
        "succeeded: {}",
        String::from_utf8_lossy(&o.stdout)
    );
    let text = String::from_utf8(o.stderr.clone()).unwrap();
    let mut out = String::new();
    for line in text.lines() {
        let t = line.trim_start();
        match t.strip_prefix("| ") {
            Some(rest) => {
                out.push(' ');
                out.push_str(rest.trim());
            }
            None => {
                out.push('\n');
                out.push_str(t);
            }
        }
    }
    out
}

const HAND_WRITTEN: &str = r#"{
  "format_version": 1,
  "supaform_version": "0.1.0",
  "lineage": "6f1c1f7e-8a7a-4b0e-9c61-0d7a3f3b2a11",
  "serial": 7,
  "environment": "local",
  "config_hash": "blake3:00",
  "resources": {
    "policy.public.profiles.own": {
      "kind": "policy",
      "fingerprint": "blake3:11",
      "attributes": { "name": "own", "command": "select" },
      "dependencies": ["table.public.profiles"]
    },
    "secret.STRIPE_SECRET_KEY": { "kind": "secret", "managed": true },
    "table.public.profiles": {
      "kind": "table",
      "fingerprint": "blake3:22",
      "attributes": { "columns": [{ "name": "id", "data_type": "uuid" }] },
      "prevent_destroy": true
    }
  }
}
"#;

fn project() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("main.hcl"), "project { name = \"t\" }\n").unwrap();
    std::fs::create_dir(dir.path().join("state")).unwrap();
    let path = dir.path().join("state/local.json");
    std::fs::write(&path, HAND_WRITTEN).unwrap();
    (dir, path)
}

#[test]
fn cli_list_show_and_pull() {
    let (dir, path) = project();
    let d = dir.path();
    assert_eq!(
        stdout(&supaform(d, &["state", "list"], &[])),
        "policy.public.profiles.own\nsecret.STRIPE_SECRET_KEY\ntable.public.profiles\n"
    );
    let shown: serde_json::Value = serde_json::from_str(&stdout(&supaform(
        d,
        &["state", "show", "table.public.profiles"],
        &[],
    )))
    .unwrap();
    let written: serde_json::Value = serde_json::from_str(HAND_WRITTEN).unwrap();
    assert_eq!(shown, written["resources"]["table.public.profiles"]);

    let err = stderr(&supaform(
        d,
        &["state", "show", "table.public.profile"],
        &[],
    ));
    assert!(
        err.contains("has no resource `table.public.profile`"),
        "{err}"
    );
    assert!(
        err.contains("did you mean `table.public.profiles`?"),
        "{err}"
    );

    let pulled = stdout(&supaform(d, &["state", "pull"], &[]));
    let pulled: serde_json::Value = serde_json::from_str(&pulled).unwrap();
    assert_eq!(pulled, written);
    // Reading changes nothing.
    assert_eq!(std::fs::read_to_string(&path).unwrap(), HAND_WRITTEN);

    // Another environment without state.
    let other = stderr(&supaform(d, &["state", "pull", "-e", "staging"], &[]));
    assert!(
        other.contains("there is no environment named `staging`"),
        "{other}"
    );
}

#[test]
fn cli_rm_refuses_protected_resources_without_force() {
    let (dir, path) = project();
    let d = dir.path();
    let err = stderr(&supaform(d, &["state", "rm", "table.public.profiles"], &[]));
    assert!(
        err.contains("protected by prevent_destroy: table.public.profiles"),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), HAND_WRITTEN);

    let out = stdout(&supaform(
        d,
        &["state", "rm", "policy.public.profiles.own"],
        &[],
    ));
    assert!(
        out.contains("Removed policy.public.profiles.own from the state."),
        "{out}"
    );
    assert!(out.contains("now serial 8"), "{out}");
    let s = FileBackend::new(&path).load().unwrap().unwrap();
    assert_eq!(s.serial, 8);
    assert_eq!(s.lineage, "6f1c1f7e-8a7a-4b0e-9c61-0d7a3f3b2a11");
    assert!(!s.resources.contains_key("policy.public.profiles.own"));
    assert_eq!(
        std::fs::read_to_string(FileBackend::new(&path).backup_path()).unwrap(),
        HAND_WRITTEN
    );

    let out = stdout(&supaform(
        d,
        &["state", "rm", "table.public.profiles", "--force"],
        &[],
    ));
    assert!(
        out.contains("its prevent_destroy protection is forgotten"),
        "{out}"
    );
    assert_eq!(
        stdout(&supaform(d, &["state", "list"], &[])),
        "secret.STRIPE_SECRET_KEY\n"
    );

    let err = stderr(&supaform(d, &["state", "rm", "table.public.nope"], &[]));
    assert!(err.contains("supaform::state::no_such_resource"), "{err}");
}

#[test]
fn cli_unprotect_lifts_the_remembered_protection() {
    let (dir, path) = project();
    let out = stdout(&supaform(
        dir.path(),
        &["state", "unprotect", "table.public.profiles"],
        &[],
    ));
    assert!(
        out.contains("Lifted prevent_destroy from table.public.profiles"),
        "{out}"
    );
    let s = FileBackend::new(&path).load().unwrap().unwrap();
    assert!(s.protected().is_empty());
    assert_eq!(s.serial, 8);
}

#[test]
fn cli_push_refuses_a_stale_serial_or_a_foreign_lineage_unless_forced() {
    let (dir, path) = project();
    let d = dir.path();
    let current: State = State::parse(HAND_WRITTEN, "x").unwrap();
    let push = |s: &State, extra: &[&str]| {
        let file = d.join("pushed.json");
        std::fs::write(&file, s.to_json()).unwrap();
        let mut args = vec!["state", "push", file.to_str().unwrap()];
        args.extend_from_slice(extra);
        supaform(d, &args, &[])
    };

    // Same serial: stale.
    let err = stderr(&push(&current, &[]));
    assert!(
        err.contains("has serial 7, not newer than the current state's 7"),
        "{err}"
    );
    assert!(err.contains("supaform::state::stale_serial"), "{err}");
    // Another lineage.
    let mut foreign = current.clone();
    foreign.lineage = uuid::Uuid::new_v4().to_string();
    foreign.serial = 50;
    let err = stderr(&push(&foreign, &[]));
    assert!(err.contains("belongs to another state history"), "{err}");
    // Another environment.
    let mut staging = current.clone();
    staging.environment = "staging".into();
    staging.serial = 9;
    let err = stderr(&push(&staging, &[]));
    assert!(
        err.contains("is the state of environment `staging`, not `local`"),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), HAND_WRITTEN);

    // A newer serial of the same lineage is accepted.
    let mut newer = current.clone();
    newer.serial = 9;
    newer.resources.remove("secret.STRIPE_SECRET_KEY");
    let out = stdout(&push(&newer, &[]));
    assert!(out.contains("serial 9, 2 resources"), "{out}");
    assert_eq!(FileBackend::new(&path).load().unwrap(), Some(newer.clone()));

    // --force installs a foreign lineage; an older serial moves past the current one.
    let mut old_foreign = foreign.clone();
    old_foreign.serial = 2;
    let out = stdout(&push(&old_foreign, &["--force"]));
    assert!(out.contains("serial 10"), "{out}");
    let now = FileBackend::new(&path).load().unwrap().unwrap();
    assert_eq!(
        (now.lineage.as_str(), now.serial),
        (foreign.lineage.as_str(), 10)
    );

    // A broken file is refused with its position.
    std::fs::write(d.join("broken.json"), "{ \"format_version\": 1,, }").unwrap();
    let err = stderr(&supaform(
        d,
        &["state", "push", d.join("broken.json").to_str().unwrap()],
        &[],
    ));
    assert!(
        err.contains("broken.json:1:23: the state cannot be read"),
        "{err}"
    );
}

#[test]
fn cli_push_force_replaces_an_unreadable_state() {
    let (dir, path) = project();
    std::fs::write(&path, "{ not json").unwrap();
    let err = stderr(&supaform(dir.path(), &["state", "list"], &[]));
    assert!(err.contains("supaform::state::corrupt"), "{err}");
    let file = dir.path().join("good.json");
    std::fs::write(&file, HAND_WRITTEN).unwrap();
    let args = ["state", "push", file.to_str().unwrap()];
    stderr(&supaform(dir.path(), &args, &[]));
    stdout(&supaform(
        dir.path(),
        &[&args[..], &["--force"]].concat(),
        &[],
    ));
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        State::parse(HAND_WRITTEN, "x").unwrap().to_json()
    );
    assert_eq!(
        std::fs::read_to_string(FileBackend::new(&path).backup_path()).unwrap(),
        "{ not json"
    );
}

#[tokio::test]
async fn cli_with_the_database_backend() {
    let url = common::fresh_db("state_cli").await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_path_buf();
    std::fs::write(
        d.join("main.hcl"),
        r#"environment "staging" {
  database_url = env("STATE_TEST_DATABASE_URL")
  state        = "database"
}
"#,
    )
    .unwrap();
    let db_url = url.clone();
    let run = move |args: Vec<String>| {
        let d = d.clone();
        let url = url.clone();
        async move {
            tokio::task::spawn_blocking(move || {
                let args: Vec<&str> = args.iter().map(String::as_str).collect();
                supaform(&d, &args, &[("STATE_TEST_DATABASE_URL", url.as_str())])
            })
            .await
            .unwrap()
        }
    };
    let v = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();

    let mut s = State::parse(HAND_WRITTEN, "x").unwrap();
    s.environment = "staging".into();
    let file = dir.path().join("s.json");
    std::fs::write(&file, s.to_json()).unwrap();
    let file = file.to_str().unwrap().to_string();

    let none = stderr(&run(v(&["state", "pull", "-e", "staging"])).await);
    assert!(none.contains("has no state yet"), "{none}");
    stdout(&run(v(&["state", "push", &file, "-e", "staging"])).await);
    assert_eq!(
        stdout(&run(v(&["state", "list", "-e", "staging"])).await),
        "policy.public.profiles.own\nsecret.STRIPE_SECRET_KEY\ntable.public.profiles\n"
    );
    let err = stderr(
        &run(v(&[
            "state",
            "rm",
            "-e",
            "staging",
            "table.public.profiles",
        ]))
        .await,
    );
    assert!(err.contains("protected by prevent_destroy"), "{err}");
    let out = stdout(
        &run(v(&[
            "state",
            "rm",
            "-e",
            "staging",
            "policy.public.profiles.own",
        ]))
        .await,
    );
    assert!(out.contains("now serial 8"), "{out}");
    let err = stderr(&run(v(&["state", "push", &file, "-e", "staging"])).await);
    assert!(
        err.contains("not newer than the current state's 8"),
        "{err}"
    );
    let pulled: State =
        serde_json::from_str(&stdout(&run(v(&["state", "pull", "-e", "staging"])).await)).unwrap();
    assert_eq!(pulled.serial, 8);
    assert_eq!(pulled.lineage, s.lineage);
    assert!(!pulled.resources.contains_key("policy.public.profiles.own"));

    // A session holding the row (as an apply does in its transaction): the command waits
    // for --lock-timeout, then names it.
    let mut holder = supaform::db::connect(&db_url).await.unwrap();
    let tx = holder.transaction().await.unwrap();
    let pid: i32 = tx
        .query_one("select pg_backend_pid()", &[])
        .await
        .unwrap()
        .get(0);
    tx.execute(
        "select 1 from supaform.state where environment = 'staging' for update",
        &[],
    )
    .await
    .unwrap();
    let t0 = Instant::now();
    let err = stderr(
        &run(v(&[
            "state",
            "rm",
            "-e",
            "staging",
            "secret.STRIPE_SECRET_KEY",
            "--lock-timeout",
            "1",
        ]))
        .await,
    );
    assert!(t0.elapsed() >= Duration::from_secs(1));
    assert!(
        err.contains(&format!("is locked by pid {pid} (supaform) since 20")),
        "{err}"
    );
    assert!(err.contains("(waited 1 s)"), "{err}");
    tx.rollback().await.unwrap();
    let list = stdout(&run(v(&["state", "list", "-e", "staging"])).await);
    assert!(list.contains("secret.STRIPE_SECRET_KEY"), "{list}");

    // No state file was written beside the configuration.
    assert!(!dir.path().join("state").exists());
}

#[test]
fn cli_list_without_a_state_says_so_on_stderr() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("main.hcl"), "project { name = \"t\" }\n").unwrap();
    let out = supaform(dir.path(), &["state", "list"], &[]);
    assert_eq!(stdout(&out), "");
    let note = String::from_utf8_lossy(&out.stderr);
    assert!(
        note.contains("Environment `local` has no state yet"),
        "{note}"
    );
    let err = stderr(&supaform(dir.path(), &["state", "pull"], &[]));
    assert!(err.contains("supaform::state::none"), "{err}");
}
