//! `supaform plan` and `supaform apply` through the real binary, against real databases of
//! the test cluster.

mod common;

use std::path::Path;
use std::process::{Command, Output};

fn supaform(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_supaform"))
        .current_dir(dir)
        .args(args)
        .env("NO_COLOR", "1")
        .env("SUPAFORM_CACHE_DIR", common::cache_dir())
        .output()
        .expect("run supaform")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// A config directory whose environment `test` points at a fresh database.
async fn project(tag: &str, hcl: &str) -> (tempfile::TempDir, String) {
    let url = common::fresh_db(tag).await;
    let d = tempfile::tempdir().unwrap();
    std::fs::write(
        d.path().join("env.hcl"),
        format!("environment \"test\" {{\n  database_url = \"{url}\"\n}}\n"),
    )
    .unwrap();
    std::fs::write(d.path().join("main.hcl"), hcl).unwrap();
    (d, url)
}

async fn query(url: &str, sql: &str) -> Vec<String> {
    let c = supaform::db::connect(url).await.unwrap();
    c.simple_query(sql)
        .await
        .unwrap()
        .into_iter()
        .filter_map(|m| match m {
            tokio_postgres::SimpleQueryMessage::Row(r) => r.get(0).map(str::to_string),
            _ => None,
        })
        .collect()
}

const NOTES: &str = r#"
table "notes" {
  column "id" {
    type    = "uuid"
    default = sql("gen_random_uuid()")
  }
  column "body" { type = "text" }
  column "owner" { type = "uuid" }
  primary_key = ["id"]
  rls { enabled = true }
}
policy "notes_own" {
  table   = table.notes
  command = "all"
  roles   = ["authenticated"]
  using   = "(select auth.uid()) = owner"
  check   = "(select auth.uid()) = owner"
}
"#;

#[tokio::test]
async fn apply_creates_everything_and_a_second_plan_shows_no_changes() {
    common::server();
    let (d, url) = project("apply_then_plan", NOTES).await;
    let out = supaform(d.path(), &["plan", "-e", "test", "--detailed-exitcode"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let plan = text(&out.stdout);
    assert!(plan.contains("  + table.public.notes [safe]"), "{plan}");
    assert!(
        plan.contains(
            "Plan: 2 safe, 0 caution, 0 dangerous (2 to add, 0 to change, 0 to destroy)."
        ),
        "{plan}"
    );

    let out = supaform(d.path(), &["apply", "-e", "test", "--auto-approve"]);
    assert!(
        out.status.success(),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    assert!(text(&out.stdout).contains("Apply complete! 2 step(s) applied"));
    assert_eq!(
        query(
            &url,
            "select count(*) from pg_policies where tablename = 'notes'"
        )
        .await,
        ["1"]
    );

    let out = supaform(d.path(), &["plan", "-e", "test", "--detailed-exitcode"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    assert!(text(&out.stdout).contains("No changes."));
}

#[tokio::test]
async fn without_a_terminal_apply_needs_auto_approve() {
    common::server();
    let (d, url) = project("apply_no_tty", NOTES).await;
    let out = supaform(d.path(), &["apply", "-e", "test"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("there is no terminal to ask"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(
        query(
            &url,
            "select count(*) from pg_tables where tablename = 'notes'"
        )
        .await,
        ["0"]
    );
}

#[tokio::test]
async fn dangerous_steps_need_allow_dangerous_and_show_their_rows() {
    common::server();
    let (d, url) = project("apply_dangerous", NOTES).await;
    assert!(
        supaform(d.path(), &["apply", "-e", "test", "--auto-approve"])
            .status
            .success()
    );
    query(&url, "insert into notes (body, owner) select 'n' || i, gen_random_uuid() from generate_series(1, 7) i").await;
    std::fs::write(
        d.path().join("main.hcl"),
        NOTES.replace("  column \"body\" { type = \"text\" }\n", ""),
    )
    .unwrap();

    let out = supaform(d.path(), &["plan", "-e", "test"]);
    let plan = text(&out.stdout);
    assert!(
        plan.contains("  - table.public.notes.column.body [dangerous]"),
        "{plan}"
    );
    assert!(
        plan.contains("D202 the values of public.notes.body are deleted (7 rows)"),
        "{plan}"
    );
    assert!(plan.contains("rows affected: 7"), "{plan}");

    let out = supaform(d.path(), &["apply", "-e", "test", "--auto-approve"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("--allow-dangerous"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(
        query(&url, "select count(*) from information_schema.columns where table_name = 'notes' and column_name = 'body'").await,
        ["1"]
    );

    let out = supaform(
        d.path(),
        &["apply", "-e", "test", "--auto-approve", "--allow-dangerous"],
    );
    assert!(
        out.status.success(),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    assert_eq!(
        query(&url, "select count(*) from information_schema.columns where table_name = 'notes' and column_name = 'body'").await,
        ["0"]
    );
}

#[tokio::test]
async fn a_failing_statement_in_the_middle_leaves_the_database_untouched() {
    common::server();
    let (d, url) = project("apply_rollback", NOTES).await;
    assert!(
        supaform(d.path(), &["apply", "-e", "test", "--auto-approve"])
            .status
            .success()
    );
    query(
        &url,
        "insert into notes (body, owner) values ('', gen_random_uuid())",
    )
    .await;
    // A new table (planned first) and a check the existing row violates (planned later).
    let next = format!(
        "{}\ntable \"tags\" {{\n  column \"id\" {{ type = \"uuid\" }}\n}}\n",
        NOTES.replace(
            "  rls { enabled = true }",
            "  check \"body_not_empty\" { expression = \"body <> ''\" }\n  rls { enabled = true }"
        )
    );
    std::fs::write(d.path().join("main.hcl"), next).unwrap();
    let out = supaform(d.path(), &["apply", "-e", "test", "--auto-approve"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    let err = text(&out.stderr);
    assert!(
        err.contains("table.public.notes.check.body_not_empty"),
        "{err}"
    );
    assert!(err.contains("violated by some row"), "{err}");
    assert!(err.contains("nothing of this phase was applied"), "{err}");
    assert_eq!(
        query(
            &url,
            "select count(*) from pg_tables where tablename = 'tags'"
        )
        .await,
        ["0"],
        "the table created earlier in the transaction is gone"
    );
}

#[tokio::test]
async fn a_saved_plan_is_refused_once_the_config_changed() {
    common::server();
    let (d, url) = project("apply_stale", NOTES).await;
    let out = supaform(d.path(), &["plan", "-e", "test", "--out", "tfplan.json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    std::fs::write(
        d.path().join("main.hcl"),
        NOTES.replace("\"body\"", "\"text\""),
    )
    .unwrap();
    let out = supaform(
        d.path(),
        &["apply", "-e", "test", "tfplan.json", "--auto-approve"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("the configuration changed since it was made"));
    assert_eq!(
        query(
            &url,
            "select count(*) from pg_tables where tablename = 'notes'"
        )
        .await,
        ["0"]
    );

    // Made again, it applies exactly its steps.
    let out = supaform(d.path(), &["plan", "-e", "test", "--out", "tfplan.json"]);
    assert!(out.status.success());
    let out = supaform(
        d.path(),
        &["apply", "-e", "test", "tfplan.json", "--auto-approve"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        query(
            &url,
            "select count(*) from pg_tables where tablename = 'notes'"
        )
        .await,
        ["1"]
    );
}

#[tokio::test]
async fn a_second_apply_waits_then_names_the_lock_holder() {
    common::server();
    let (d, url) = project("apply_locked", NOTES).await;
    let holder = supaform::db::connect(&url).await.unwrap();
    holder
        .batch_execute(&format!(
            "SET application_name = 'other-apply'; SELECT pg_advisory_lock({})",
            supaform::apply::lock::LOCK_KEY
        ))
        .await
        .unwrap();
    let out = supaform(
        d.path(),
        &["apply", "-e", "test", "--auto-approve", "--lock-wait", "1"],
    );
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("another apply holds the lock"), "{err}");
    assert!(err.contains("other-apply"), "{err}");
    // Once it is released, the apply goes through.
    holder
        .batch_execute(&format!(
            "SELECT pg_advisory_unlock({})",
            supaform::apply::lock::LOCK_KEY
        ))
        .await
        .unwrap();
    let out = supaform(
        d.path(),
        &["apply", "-e", "test", "--auto-approve", "--lock-wait", "1"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
}

#[test]
fn the_transaction_pooler_is_refused_with_the_fix() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(
        d.path().join("main.hcl"),
        "environment \"prod\" {\n  database_url = \"postgresql://postgres.abc:s3cret@aws-0-eu-central-1.pooler.supabase.com:6543/postgres\"\n}\n",
    )
    .unwrap();
    let out = supaform(d.path(), &["apply", "-e", "prod", "--auto-approve"]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("transaction pooler (port 6543)"), "{err}");
    assert!(err.contains("port 5432"), "{err}");
    assert!(!err.contains("s3cret"), "the password leaked: {err}");
}

#[tokio::test]
async fn the_state_decides_what_a_removed_block_drops_and_remembers_protection() {
    common::server();
    let hcl = format!(
        "{NOTES}\ntable \"archive\" {{\n  column \"id\" {{ type = \"uuid\" }}\n  lifecycle {{ prevent_destroy = true }}\n}}\n"
    );
    let (d, url) = project("apply_state", &hcl).await;
    // A table nobody declared stays unmanaged.
    query(&url, "create table legacy (id int)").await;
    let out = supaform(d.path(), &["apply", "-e", "test", "--auto-approve"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let state = std::fs::read_to_string(d.path().join("state/test.json")).unwrap();
    assert!(state.contains("\"table.public.notes\""), "{state}");
    assert!(!state.contains("legacy"), "{state}");

    // Removing both blocks: notes is dropped (owned), archive is refused (protected, even
    // though its block and its lifecycle are gone), legacy is left alone.
    std::fs::write(d.path().join("main.hcl"), "").unwrap();
    let out = supaform(d.path(), &["plan", "-e", "test"]);
    let plan = text(&out.stdout);
    assert!(
        plan.contains("  - table.public.notes [dangerous]"),
        "{plan}"
    );
    assert!(
        plan.contains("  - table.public.archive [dangerous]"),
        "{plan}"
    );
    assert!(!plan.contains("- table.public.legacy"), "{plan}");
    assert!(
        plan.contains("table.public.legacy"),
        "reported as unmanaged: {plan}"
    );
    let out = supaform(
        d.path(),
        &["apply", "-e", "test", "--auto-approve", "--allow-dangerous"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("refusing to destroy table.public.archive"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(
        query(
            &url,
            "select count(*) from pg_tables where tablename in ('notes', 'archive', 'legacy')"
        )
        .await,
        ["3"]
    );

    // Once unprotected, both go; legacy stays.
    let out = supaform(
        d.path(),
        &["state", "-e", "test", "unprotect", "table.public.archive"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = supaform(
        d.path(),
        &["apply", "-e", "test", "--auto-approve", "--allow-dangerous"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        query(
            &url,
            "select string_agg(tablename, ',') from pg_tables where schemaname = 'public'"
        )
        .await,
        ["legacy"]
    );
    let state = std::fs::read_to_string(d.path().join("state/test.json")).unwrap();
    assert!(
        !state.contains("table.public.notes"),
        "dropped objects leave the state: {state}"
    );
}

#[tokio::test]
async fn a_database_state_commits_with_the_transaction_and_rolls_back_with_it() {
    common::server();
    let (d, url) = project("apply_db_state", NOTES).await;
    std::fs::write(
        d.path().join("env.hcl"),
        format!("environment \"test\" {{\n  database_url = \"{url}\"\n  state        = \"database\"\n}}\n"),
    )
    .unwrap();
    let out = supaform(d.path(), &["apply", "-e", "test", "--auto-approve"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        !d.path().join("state").exists(),
        "no state file with the database backend"
    );
    assert_eq!(
        query(
            &url,
            "select serial::text from supaform.state where environment = 'test'"
        )
        .await,
        ["1"]
    );

    // A failing apply leaves both the schema and the state as they were.
    query(
        &url,
        "insert into notes (body, owner) values ('', gen_random_uuid())",
    )
    .await;
    std::fs::write(
        d.path().join("main.hcl"),
        NOTES.replace(
            "  rls { enabled = true }",
            "  check \"body_not_empty\" { expression = \"body <> ''\" }\n  rls { enabled = true }",
        ),
    )
    .unwrap();
    let out = supaform(d.path(), &["apply", "-e", "test", "--auto-approve"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        query(
            &url,
            "select serial::text from supaform.state where environment = 'test'"
        )
        .await,
        ["1"]
    );
}

#[tokio::test]
async fn a_dropped_column_is_backed_up_first_and_restore_puts_it_back() {
    common::server();
    let (d, url) = project("apply_backup", NOTES).await;
    assert!(
        supaform(d.path(), &["apply", "-e", "test", "--auto-approve"])
            .status
            .success()
    );
    query(&url, "insert into notes (body, owner) select 'note ' || i, gen_random_uuid() from generate_series(1, 500) i").await;
    let before = query(
        &url,
        "select md5(string_agg(id::text || body, ',' order by id)) from notes",
    )
    .await;
    std::fs::write(
        d.path().join("main.hcl"),
        NOTES.replace("  column \"body\" { type = \"text\" }\n", ""),
    )
    .unwrap();
    let out = supaform(
        d.path(),
        &["apply", "-e", "test", "--auto-approve", "--allow-dangerous"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("Backup: 1 table(s), 500 row(s) saved to"),
        "{stdout}"
    );
    let backups: Vec<_> = std::fs::read_dir(d.path().join("backups/test"))
        .unwrap()
        .collect();
    assert_eq!(backups.len(), 1);
    let dir = backups[0].as_ref().unwrap().path();
    assert!(dir.join("manifest.json").is_file());

    let out = supaform(
        d.path(),
        &["restore", dir.to_str().unwrap(), "-e", "test", "--yes"],
    );
    assert!(
        out.status.success(),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    assert_eq!(
        query(
            &url,
            "select md5(string_agg(id::text || body, ',' order by id)) from notes"
        )
        .await,
        before
    );
}

/// Removing a `grant` block revokes what it declared (recorded in the state at apply),
/// leaving the object and the other roles' privileges alone.
#[tokio::test]
async fn a_removed_grant_block_is_revoked() {
    let hcl = format!(
        "{NOTES}\ngrant \"notes_anon_read\" {{\n  on         = table.notes\n  roles      = [\"anon\"]\n  privileges = [\"select\"]\n}}\n"
    );
    let (dir, url) = project("grant_removed", &hcl).await;
    let out = supaform(dir.path(), &["apply", "-e", "test", "--auto-approve"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let can_read = "select has_table_privilege('anon', 'public.notes', 'select')::text";
    assert_eq!(query(&url, can_read).await, ["true"]);
    let state = std::fs::read_to_string(dir.path().join("state/test.json")).unwrap();
    assert!(
        state.contains("\"declared\""),
        "the state records the declared grant"
    );

    // The block is removed: the plan revokes what it granted, cautiously.
    std::fs::write(dir.path().join("main.hcl"), NOTES).unwrap();
    let out = supaform(dir.path(), &["plan", "-e", "test", "--no-rehearse"]);
    let plan = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        plan.contains("revoke SELECT on public.notes from anon") && plan.contains("C108"),
        "{plan}"
    );
    let out = supaform(dir.path(), &["apply", "-e", "test", "--auto-approve"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(query(&url, can_read).await, ["false"]);
    // authenticated keeps what it had; a new plan has nothing left to do.
    assert_eq!(
        query(
            &url,
            "select has_table_privilege('authenticated', 'public.notes', 'select')::text"
        )
        .await,
        ["true"]
    );
    let out = supaform(dir.path(), &["plan", "-e", "test", "--detailed-exitcode"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
}

/// `--dev-url`: normalisation and rehearsal run on the server it names, in throwaway
/// databases cloned from a template supaform bootstraps there; errors Postgres raises
/// there still point at the HCL; the URL's password is never printed.
#[tokio::test]
async fn dev_url_normalises_and_rehearses_on_the_named_server() {
    let (dir, url) = project("dev_url", NOTES).await;
    let admin = common::server().url("postgres");
    // The test cluster trusts loopback, so any password is accepted: it only has to
    // stay out of the output.
    let dev = admin.replace("postgres@", "postgres:dev-pw-3141@") + "?sslmode=disable";
    let marker = "select coalesce(shobj_description(oid, 'pg_database'), '') from pg_database where datname = 'supaform_dev_template'";
    query(
        &admin,
        "drop database if exists supaform_dev_template with (force)",
    )
    .await;
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_supaform"))
            .current_dir(dir.path())
            .args(args)
            .env("NO_COLOR", "1")
            .env("SUPAFORM_CACHE_DIR", common::cache_dir())
            .env("SUPAFORM_NO_NORMALIZE_CACHE", "1")
            .env("SUPAFORM_DEV_URL", &dev)
            .output()
            .expect("run supaform")
    };

    let out = run(&["plan", "-e", "test"]);
    let all = text(&out.stdout) + &text(&out.stderr);
    assert!(out.status.success(), "{all}");
    assert!(all.contains("+ table.public.notes"), "{all}");
    assert!(all.contains("Rehearsed on a scratch copy"), "{all}");
    assert!(!all.contains("dev-pw-3141"), "{all}");
    let made = query(&admin, marker).await;
    assert!(
        made.len() == 1 && made[0].starts_with("supaform bootstrap "),
        "the template was bootstrapped on the dev server: {made:?}"
    );

    // A check naming a column that does not exist: rejected on the dev server, reported
    // at the attribute.
    std::fs::write(
        dir.path().join("checks.hcl"),
        "table \"extra\" {\n  column \"n\" { type = \"int\" }\n  check \"positive\" { expression = \"m > 0\" }\n}\n",
    )
    .unwrap();
    let out = run(&["plan", "-e", "test"]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("checks.hcl:3:"), "{err}");
    assert!(err.contains("column \"m\" does not"), "{err}");
    std::fs::remove_file(dir.path().join("checks.hcl")).unwrap();

    // Applying with the dev server creates the table on the target.
    let out = run(&["apply", "-e", "test", "--auto-approve"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        query(
            &url,
            "select count(*)::text from pg_tables where tablename = 'notes'"
        )
        .await,
        ["1"]
    );

    // An unreachable dev server: a clear error, the password hidden.
    let out = Command::new(env!("CARGO_BIN_EXE_supaform"))
        .current_dir(dir.path())
        .args(["plan", "-e", "test", "--dev-url"])
        .arg("postgresql://postgres:dev-pw-3141@127.0.0.1:1/postgres?sslmode=disable")
        .env("NO_COLOR", "1")
        .env("SUPAFORM_CACHE_DIR", common::cache_dir())
        .env("SUPAFORM_NO_NORMALIZE_CACHE", "1")
        .output()
        .unwrap();
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("supaform::local::dev_server"), "{err}");
    assert!(err.contains("127.0.0.1:1"), "{err}");
    assert!(!err.contains("dev-pw-3141"), "{err}");
}
