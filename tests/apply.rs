//! `supaform plan` and `supaform apply` through the real binary, against real databases of
//! the test cluster.

mod common;

use std::path::Path;
use std::process::{Command, Output};

fn supaform(dir: &Path, args: &[&str]) -> Output {
    supaform_with(dir, args, &[])
}

/// [`supaform`] with more environment variables.
fn supaform_with(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_supaform"))
        .current_dir(dir)
        .args(args)
        .env("NO_COLOR", "1")
        .env("SUPAFORM_CACHE_DIR", common::cache_dir())
        .envs(env.iter().copied())
        .output()
        .expect("run supaform")
}

/// `apply --auto-approve`, which must succeed.
fn apply_ok(dir: &Path) {
    let out = supaform(dir, &["apply", "-e", "test", "--auto-approve"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
}

/// A plan with nothing left to do (`--detailed-exitcode` exits 0).
fn assert_no_changes(dir: &Path) {
    let out = supaform(dir, &["plan", "-e", "test", "--detailed-exitcode"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
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
        "insert into notes (body, owner) values ('same', gen_random_uuid()), ('same', gen_random_uuid())",
    )
    .await;
    // A new table (planned first) and a unique constraint the existing rows violate
    // (planned later, in the same transaction).
    let next = format!(
        "{}\ntable \"tags\" {{\n  column \"id\" {{ type = \"uuid\" }}\n}}\n",
        NOTES.replace(
            "  rls { enabled = true }",
            "  unique \"notes_body_key\" { columns = [\"body\"] }\n  rls { enabled = true }"
        )
    );
    std::fs::write(d.path().join("main.hcl"), next).unwrap();
    let out = supaform(d.path(), &["apply", "-e", "test", "--auto-approve"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    let err = text(&out.stderr);
    assert!(
        err.contains("table.public.notes.unique.notes_body_key"),
        "{err}"
    );
    assert!(err.contains("could not create unique index"), "{err}");
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
    apply_ok(d.path());
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
    apply_ok(d.path());
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
        "insert into notes (body, owner) values ('same', gen_random_uuid()), ('same', gen_random_uuid())",
    )
    .await;
    std::fs::write(
        d.path().join("main.hcl"),
        NOTES.replace(
            "  rls { enabled = true }",
            "  unique \"notes_body_key\" { columns = [\"body\"] }\n  rls { enabled = true }",
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
    apply_ok(dir.path());
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
    apply_ok(dir.path());
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
    assert_no_changes(dir.path());
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
        supaform_with(
            dir.path(),
            args,
            &[
                ("SUPAFORM_NO_NORMALIZE_CACHE", "1"),
                ("SUPAFORM_DEV_URL", &dev),
            ],
        )
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
    let out = supaform_with(
        dir.path(),
        &[
            "plan",
            "-e",
            "test",
            "--dev-url",
            "postgresql://postgres:dev-pw-3141@127.0.0.1:1/postgres?sslmode=disable",
        ],
        &[("SUPAFORM_NO_NORMALIZE_CACHE", "1")],
    );
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("supaform::local::dev_server"), "{err}");
    assert!(err.contains("127.0.0.1:1"), "{err}");
    assert!(!err.contains("dev-pw-3141"), "{err}");
}

/// Two unrelated tables; `posts` needs an enum.
const POSTS_AND_TAGS: &str = r#"
enum "post_status" { values = ["draft", "published"] }
table "posts" {
  column "id" { type = "uuid" }
  column "status" { type = enum.post_status }
  primary_key = ["id"]
}
table "tags" {
  column "id" { type = "uuid" }
  column "label" { type = "text" }
  primary_key = ["id"]
}
"#;

/// The addresses `supaform state list` prints.
fn state_list(dir: &Path) -> Vec<String> {
    let out = supaform(dir, &["state", "-e", "test", "list"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    text(&out.stdout).lines().map(str::to_string).collect()
}

#[tokio::test]
async fn a_targeted_plan_is_rehearsed_saved_and_applied_for_its_targets_only() {
    common::server();
    let (d, url) = project("apply_target", POSTS_AND_TAGS).await;
    let target = ["plan", "-e", "test", "--target", "table.public.posts"];
    let out = supaform(d.path(), &target);
    let plan = text(&out.stdout);
    assert!(out.status.success(), "{plan}{}", text(&out.stderr));
    assert!(plan.contains("  + table.public.posts [safe]"), "{plan}");
    assert!(
        plan.contains("  + enum.public.post_status [safe]"),
        "what the target depends on: {plan}"
    );
    // (The findings still cover the whole configuration.)
    assert!(!plan.contains("table.public.tags ["), "{plan}");
    assert!(
        plan.contains("Plan: 2 safe, 0 caution, 0 dangerous (2 to add,"),
        "{plan}"
    );
    assert!(
        plan.contains("Rehearsed on a scratch copy of the live schema, for the targets only")
            && plan.contains("its targets converge (table.public.posts)"),
        "a targeted plan is rehearsed, for its targets: {plan}"
    );

    // Saved, then applied: the rehearsal checks the targets only (tags stays missing).
    let out = supaform(d.path(), &[&target[..], &["--out", "tfplan.json"]].concat());
    assert!(out.status.success(), "{}", text(&out.stderr));
    let saved: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.path().join("tfplan.json")).unwrap())
            .unwrap();
    assert_eq!(saved["targets"], serde_json::json!(["table.public.posts"]));
    let out = supaform(
        d.path(),
        &["apply", "-e", "test", "tfplan.json", "--auto-approve"],
    );
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", text(&out.stderr));
    assert!(stdout.contains("for the targets only"), "{stdout}");
    assert_eq!(
        query(
            &url,
            "select string_agg(tablename, ',' order by tablename) from pg_tables where schemaname = 'public'"
        )
        .await,
        ["posts"]
    );
    // The state records what the plan created, not the table it left out.
    let owned = state_list(d.path());
    assert!(
        owned.contains(&"table.public.posts".to_string())
            && owned.contains(&"enum.public.post_status".to_string()),
        "{owned:?}"
    );
    assert!(
        !owned.iter().any(|a| a.contains("tags")),
        "an untargeted object is not recorded: {owned:?}"
    );

    // A full plan still has the other table to add, and nothing else.
    let out = supaform(d.path(), &["plan", "-e", "test"]);
    let plan = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(plan.contains("  + table.public.tags [safe]"), "{plan}");
    assert!(!plan.contains("table.public.posts ["), "{plan}");
    assert!(
        plan.contains("the plan applies and converges."),
        "a whole plan is rehearsed as a whole: {plan}"
    );
    apply_ok(d.path());
    assert!(state_list(d.path()).contains(&"table.public.tags".to_string()));
}

#[tokio::test]
async fn plan_json_validates_against_the_plan_schema() {
    common::server();
    let (d, url) = project("plan_json_schema", NOTES).await;
    apply_ok(d.path());
    query(
        &url,
        "insert into notes (body, owner) select 'n' || i, gen_random_uuid() from generate_series(1, 3) i",
    )
    .await;
    // A new nullable column (safe), a check on the populated table (caution), the body
    // column dropped (dangerous).
    let next = NOTES
        .replace(
            "  column \"body\" { type = \"text\" }\n",
            "  column \"title\" {\n    type = \"text\"\n    null = true\n  }\n",
        )
        .replace(
            "  rls { enabled = true }",
            "  check \"owner_set\" { expression = \"owner is not null\" }\n  rls { enabled = true }",
        );
    std::fs::write(d.path().join("main.hcl"), next).unwrap();
    let out = supaform(d.path(), &["plan", "-e", "test", "--json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let plan: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    let risks: std::collections::BTreeSet<&str> = plan["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .filter_map(|s| s["risk"].as_str())
        .collect();
    assert_eq!(
        risks,
        ["caution", "dangerous", "safe"].into(),
        "{:#}",
        plan["steps"]
    );
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/plan.schema.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).expect("the plan schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&plan)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}\n{plan:#}");
    // The schema is not vacuous: a plan missing a required field fails it.
    let mut broken = plan.clone();
    broken.as_object_mut().unwrap().remove("steps");
    assert!(!validator.is_valid(&broken));
}

/// `plan --out`, then something changes; `apply FILE` must refuse, naming it.
async fn saved_plan_then(tag: &str) -> (tempfile::TempDir, String) {
    let (d, url) = project(tag, NOTES).await;
    apply_ok(d.path());
    // The saved plan adds a column.
    let with_title = NOTES.replace(
        "  column \"owner\"",
        "  column \"title\" {\n    type = \"text\"\n    null = true\n  }\n  column \"owner\"",
    );
    std::fs::write(d.path().join("main.hcl"), &with_title).unwrap();
    let out = supaform(d.path(), &["plan", "-e", "test", "--out", "tfplan.json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("+ table.public.notes.column.title"));
    (d, url)
}

async fn columns_of_notes(url: &str) -> Vec<String> {
    query(
        url,
        "select string_agg(column_name, ',' order by column_name) from information_schema.columns where table_schema = 'public' and table_name = 'notes'",
    )
    .await
}

#[tokio::test]
async fn a_saved_plan_is_refused_once_the_live_database_changed() {
    common::server();
    let (d, url) = saved_plan_then("apply_stale_live").await;
    query(&url, "alter table notes add column by_hand text").await;
    saved_plan_refused(d.path(), "the live database changed since it was made");
    assert_eq!(columns_of_notes(&url).await, ["body,by_hand,id,owner"]);
}

/// `apply tfplan.json` fails, saying the saved plan is stale because of `why`.
fn saved_plan_refused(dir: &Path, why: &str) {
    let out = supaform(
        dir,
        &["apply", "-e", "test", "tfplan.json", "--auto-approve"],
    );
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains(&format!("the saved plan is stale: {why}")),
        "{err}"
    );
}

#[tokio::test]
async fn a_saved_plan_is_refused_once_another_apply_changed_the_state() {
    common::server();
    let (d, url) = saved_plan_then("apply_stale_state").await;
    let saved_config = std::fs::read_to_string(d.path().join("main.hcl")).unwrap();
    let serial = |d: &Path| -> u64 {
        let s: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(d.join("state/test.json")).unwrap())
                .unwrap();
        s["serial"].as_u64().expect("a serial")
    };
    let before = serial(d.path());
    // Another apply, of a configuration that changes nothing live (a comment): it only
    // records the new configuration in the state.
    std::fs::write(d.path().join("main.hcl"), format!("# reviewed\n{NOTES}")).unwrap();
    apply_ok(d.path());
    assert!(
        serial(d.path()) > before,
        "the other apply bumped the serial"
    );
    assert_eq!(columns_of_notes(&url).await, ["body,id,owner"]);

    // The configuration the plan was made from, back: only the state differs.
    std::fs::write(d.path().join("main.hcl"), saved_config).unwrap();
    saved_plan_refused(d.path(), "the state changed since it was made");
    assert_eq!(columns_of_notes(&url).await, ["body,id,owner"]);
}

#[tokio::test]
async fn a_failing_rehearsal_stops_apply_before_the_target() {
    common::server();
    let (d, url) = project("apply_rehearsal_fails", NOTES).await;
    let out = supaform(d.path(), &["apply", "-e", "test", "--auto-approve"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("Rehearsed on a scratch copy"), "{stdout}");
    query(
        &url,
        "insert into notes (body, owner) values ('kept', gen_random_uuid())",
    )
    .await;

    // The owner becomes an integer: valid as a configuration, but Postgres has no cast
    // from uuid to integer, so `ALTER ... TYPE integer USING owner::integer` fails even on
    // the empty copy of the schema the plan is rehearsed on.
    let next = NOTES
        .replace(
            "  column \"owner\" { type = \"uuid\" }",
            "  column \"owner\" { type = \"integer\" }",
        )
        .replace("(select auth.uid()) = owner", "owner = 1");
    std::fs::write(d.path().join("main.hcl"), next).unwrap();
    let out = supaform(
        d.path(),
        &["apply", "-e", "test", "--auto-approve", "--allow-dangerous"],
    );
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{}{err}", text(&out.stdout));
    assert!(
        err.contains("the plan fails when rehearsed on a copy of the live schema"),
        "{err}"
    );
    assert!(err.contains("cannot cast type uuid to integer"), "{err}");
    assert!(
        !text(&out.stdout).contains("Phase transaction"),
        "nothing ran on the target: {}",
        text(&out.stdout)
    );
    assert_eq!(
        query(
            &url,
            "select data_type || ':' || (select count(*) from notes where body = 'kept') from information_schema.columns where table_name = 'notes' and column_name = 'owner'"
        )
        .await,
        ["uuid:1"]
    );

    // Without the rehearsal, no 'Rehearsed' line; the target itself refuses the statement
    // and the transaction rolls back.
    let out = supaform(d.path(), &["plan", "-e", "test", "--no-rehearse"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        !text(&out.stdout).contains("Rehearsed"),
        "{}",
        text(&out.stdout)
    );
    let out = supaform(
        d.path(),
        &[
            "apply",
            "-e",
            "test",
            "--auto-approve",
            "--allow-dangerous",
            "--no-rehearse",
        ],
    );
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        !text(&out.stdout).contains("Rehearsed"),
        "{}",
        text(&out.stdout)
    );
    assert!(!err.contains("rehearsed"), "{err}");
    assert!(err.contains("cannot cast type uuid to integer"), "{err}");
    assert_eq!(
        query(
            &url,
            "select data_type from information_schema.columns where table_name = 'notes' and column_name = 'owner'"
        )
        .await,
        ["uuid"]
    );
}

/// A check the existing rows violate: the validate phase adds it after the transaction
/// (which commits the rest of the plan), its validation fails, and it is removed again, so
/// the table is as it was; once the rows are fixed, the next apply adds and validates it.
#[tokio::test]
async fn a_failed_validation_removes_the_constraint_and_keeps_the_rest() {
    common::server();
    let (d, url) = project("apply_validate", NOTES).await;
    assert!(
        supaform(d.path(), &["apply", "-e", "test", "--auto-approve"])
            .status
            .success()
    );
    query(
        &url,
        "insert into notes (body, owner) values ('', gen_random_uuid()), ('kept', gen_random_uuid())",
    )
    .await;
    let next = format!(
        "{}\ntable \"tags\" {{\n  column \"id\" {{ type = \"uuid\" }}\n}}\n",
        NOTES.replace(
            "  rls { enabled = true }",
            "  check \"body_not_empty\" { expression = \"body <> ''\" }\n  rls { enabled = true }"
        )
    );
    std::fs::write(d.path().join("main.hcl"), &next).unwrap();
    let out = supaform(d.path(), &["plan", "-e", "test", "--sql"]);
    let sql = text(&out.stdout);
    let validate = sql.find("-- phase validate").expect("a validate phase");
    assert!(
        sql[validate..].contains("NOT VALID") && sql[validate..].contains("VALIDATE CONSTRAINT"),
        "{sql}"
    );
    assert!(
        sql.find("COMMIT;").is_some_and(|c| c < validate),
        "the validate phase comes after the transaction: {sql}"
    );

    let out = supaform(d.path(), &["apply", "-e", "test", "--auto-approve"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    let err = text(&out.stderr);
    assert!(
        err.contains("table.public.notes.check.body_not_empty"),
        "{err}"
    );
    assert!(err.contains("violated by some row"), "{err}");
    assert!(err.contains("removed again"), "{err}");
    let constraints = "select count(*)::text from pg_constraint where conname = 'body_not_empty'";
    assert_eq!(query(&url, constraints).await, ["0"], "the check is gone");
    assert_eq!(
        query(
            &url,
            "select count(*)::text from pg_tables where tablename = 'tags'"
        )
        .await,
        ["1"],
        "the transaction phase before it is committed"
    );
    assert_eq!(
        query(
            &url,
            "select string_agg(body, ',' order by body) from notes"
        )
        .await,
        [",kept"],
        "no row changed"
    );

    // The rows fixed, the next apply adds the check and validates it.
    query(&url, "update notes set body = 'fixed' where body = ''").await;
    apply_ok(d.path());
    assert_eq!(
        query(
            &url,
            "select convalidated::text from pg_constraint where conname = 'body_not_empty'"
        )
        .await,
        ["true"]
    );
    assert_no_changes(d.path());
}

/// A table that cannot be counted within the statement timeout of the exact count shows
/// the planner's estimate, marked "about", instead.
#[tokio::test]
async fn a_table_that_cannot_be_counted_in_time_shows_the_estimate() {
    common::server();
    let (d, url) = project("apply_estimate", NOTES).await;
    assert!(
        supaform(d.path(), &["apply", "-e", "test", "--auto-approve"])
            .status
            .success()
    );
    query(&url, "insert into notes (body, owner) select 'n' || i, gen_random_uuid() from generate_series(1, 200000) i").await;
    query(&url, "analyze notes").await;
    // The body column goes: a dangerous step, whose rows are counted exactly when they can.
    std::fs::write(
        d.path().join("main.hcl"),
        NOTES.replace("  column \"body\" { type = \"text\" }\n", ""),
    )
    .unwrap();
    let out = supaform(d.path(), &["plan", "-e", "test", "--no-rehearse"]);
    let plan = text(&out.stdout);
    assert!(plan.contains("rows affected: 200000\n"), "{plan}");

    // Counting 200,000 rows takes longer than a millisecond.
    let out = supaform_with(
        d.path(),
        &["plan", "-e", "test", "--no-rehearse"],
        &[("SUPAFORM_ROW_COUNT_TIMEOUT", "1ms")],
    );
    let plan = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let line = plan
        .lines()
        .find(|l| l.contains("rows affected:"))
        .unwrap_or_default();
    let estimate: f64 = line
        .trim()
        .strip_prefix("rows affected: about ")
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("an estimate, not an exact count: {plan}"));
    assert!((estimate - 200000.0).abs() < 20000.0, "{plan}");
}

/// A table locked by another session (a migration running, a transaction left open): the
/// plan does not wait forever on the catalogs, it fails after the lock timeout and says so.
#[tokio::test]
async fn a_locked_table_makes_the_plan_fail_clearly_instead_of_hanging() {
    common::server();
    let (d, url) = project("apply_locked", NOTES).await;
    assert!(
        supaform(d.path(), &["apply", "-e", "test", "--auto-approve"])
            .status
            .success()
    );
    let locker = supaform::db::connect(&url).await.unwrap();
    locker
        .batch_execute("BEGIN; LOCK TABLE public.notes IN ACCESS EXCLUSIVE MODE")
        .await
        .unwrap();
    let started = std::time::Instant::now();
    let out = supaform_with(
        d.path(),
        &["plan", "-e", "test", "--no-rehearse"],
        &[("SUPAFORM_CATALOG_LOCK_TIMEOUT", "1s")],
    );
    let waited = started.elapsed();
    locker.batch_execute("ROLLBACK").await.unwrap();
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("supaform::introspect::locked"), "{err}");
    assert!(err.contains("waited longer than 1s for a lock"), "{err}");
    assert!(waited < std::time::Duration::from_secs(20), "{waited:?}");
    // Once the lock is gone, the same plan works.
    let out = supaform(d.path(), &["plan", "-e", "test", "--no-rehearse"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
}
