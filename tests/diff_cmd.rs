//! `supaform diff --from A --to B` through the real binary, comparing pairs of fresh
//! databases of the test cluster.

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

async fn exec(url: &str, sql: &str) {
    let c = common::connect(url).await;
    c.batch_execute(sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e:?}"));
}

/// Two fresh databases, `from` and `to`, each set up with its own SQL.
async fn pair(tag: &str, common_sql: &str, from_sql: &str, to_sql: &str) -> (String, String) {
    common::server();
    let from = common::fresh_db(&format!("{tag}_from")).await;
    let to = common::fresh_db(&format!("{tag}_to")).await;
    for (url, extra) in [(&from, from_sql), (&to, to_sql)] {
        exec(url, common_sql).await;
        exec(url, extra).await;
    }
    (from, to)
}

/// `supaform diff` in an empty directory (no configuration): both sides are URLs.
fn diff(from: &str, to: &str, extra: &[&str]) -> Output {
    let dir = tempfile::tempdir().unwrap();
    let mut args = vec!["diff", "--from", from, "--to", to];
    args.extend_from_slice(extra);
    supaform(dir.path(), &args)
}

const NOTES: &str = "
create type public.status as enum ('draft', 'sent');
create table public.notes (
  id uuid primary key default gen_random_uuid(),
  body text not null,
  words integer,
  status public.status not null default 'draft',
  created_at timestamptz not null default now()
);
alter table public.notes enable row level security;
create policy notes_read on public.notes for select to authenticated using (true);
";

#[tokio::test]
async fn identical_databases_show_no_changes_and_exit_0() {
    let (from, to) = pair("diff_same", NOTES, "", "").await;
    let out = diff(&from, &to, &["--detailed-exitcode"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    assert!(
        text(&out.stdout).contains("No changes."),
        "{}",
        text(&out.stdout)
    );
}

#[tokio::test]
async fn a_table_only_in_from_is_dropped_as_dangerous_with_its_rows() {
    let (from, to) = pair(
        "diff_drop",
        NOTES,
        "create table public.old_logs (id bigint primary key, line text);
         insert into public.old_logs select g, 'x' from generate_series(1, 3) g;",
        "",
    )
    .await;
    let out = diff(&from, &to, &["--detailed-exitcode"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let plan = text(&out.stdout);
    assert!(
        plan.contains("  - table.public.old_logs [dangerous]"),
        "{plan}"
    );
    assert!(plan.contains("D201"), "{plan}");
    assert!(plan.contains("rows affected: 3\n"), "{plan}");
    assert!(
        plan.contains(
            "Plan: 0 safe, 0 caution, 1 dangerous (0 to add, 0 to change, 1 to destroy)."
        ),
        "{plan}"
    );

    let out = diff(&from, &to, &["--sql"]);
    assert!(
        text(&out.stdout).contains("DROP TABLE \"public\".\"old_logs\";"),
        "{}",
        text(&out.stdout)
    );
}

#[tokio::test]
async fn a_column_type_change_is_caution_c101() {
    let (from, to) = pair(
        "diff_type",
        NOTES,
        "",
        "alter table public.notes alter column words type bigint;",
    )
    .await;
    let out = diff(&from, &to, &[]);
    let plan = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        plan.contains("  ~ table.public.notes.column.words [caution]"),
        "{plan}"
    );
    assert!(plan.contains("C101 integer → bigint"), "{plan}");
    let sql = text(&diff(&from, &to, &["--sql"]).stdout);
    assert!(
        sql.contains("ALTER TABLE \"public\".\"notes\" ALTER COLUMN \"words\" TYPE bigint"),
        "{sql}"
    );
}

#[tokio::test]
async fn a_changed_policy_is_caution_c106() {
    let (from, to) = pair(
        "diff_policy",
        NOTES,
        "",
        "alter policy notes_read on public.notes using (status = 'sent');",
    )
    .await;
    let out = diff(&from, &to, &["--detailed-exitcode"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let plan = text(&out.stdout);
    assert!(
        plan.contains("policy.public.notes.notes_read [caution]"),
        "{plan}"
    );
    assert!(plan.contains("C106"), "{plan}");
    let sql = text(&diff(&from, &to, &["--sql"]).stdout);
    assert!(sql.contains("'sent'::public.status"), "{sql}");
}

#[tokio::test]
async fn an_added_index_is_built_concurrently() {
    let (from, to) = pair(
        "diff_index",
        NOTES,
        "",
        "create index notes_created_idx on public.notes (created_at);",
    )
    .await;
    let out = diff(&from, &to, &[]);
    let plan = text(&out.stdout);
    assert!(
        plan.contains("  + table.public.notes.index.notes_created_idx [safe]"),
        "{plan}"
    );
    assert!(plan.contains("S003"), "{plan}");
    let sql = text(&diff(&from, &to, &["--sql"]).stdout);
    assert!(
        sql.contains("CREATE INDEX CONCURRENTLY \"notes_created_idx\" ON \"public\".\"notes\""),
        "{sql}"
    );
}

#[tokio::test]
async fn an_added_enum_value_is_committed_first() {
    let (from, to) = pair(
        "diff_enum",
        NOTES,
        "",
        "alter type public.status add value 'paid' before 'sent';",
    )
    .await;
    let out = diff(&from, &to, &[]);
    let plan = text(&out.stdout);
    assert!(plan.contains("  ~ enum.public.status [safe]"), "{plan}");
    assert!(plan.contains("# phase pre"), "{plan}");
    let sql = text(&diff(&from, &to, &["--sql"]).stdout);
    assert!(
        sql.contains("ALTER TYPE \"public\".\"status\" ADD VALUE 'paid' BEFORE 'sent';"),
        "{sql}"
    );
}

#[tokio::test]
async fn json_output_has_the_plan_schema_shape() {
    let (from, to) = pair(
        "diff_json",
        NOTES,
        "create table public.extra (id int primary key);",
        "create index notes_created_idx on public.notes (created_at);",
    )
    .await;
    let out = diff(&from, &to, &["--json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/plan.schema.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let required = |v: &serde_json::Value| -> Vec<String> {
        v["required"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k.as_str().unwrap().to_string())
            .collect()
    };
    for key in required(&schema) {
        assert!(value.get(&key).is_some(), "plan lacks `{key}`: {value}");
    }
    let steps = value["steps"].as_array().unwrap();
    assert_eq!(steps.len(), 2, "{value}");
    for s in steps {
        for key in required(&schema["$defs"]["Step"]) {
            assert!(s.get(&key).is_some(), "step lacks `{key}`: {s}");
        }
    }
    // And it reads back as the plan type the schema is generated from.
    let plan: supaform::plan::Plan = serde_json::from_value(value.clone()).unwrap();
    assert_eq!(
        plan.environment,
        supaform::db::DbUrl::parse(&from).unwrap().redacted()
    );
    assert!(plan.config_hash.starts_with("blake3:"));
    let addresses: Vec<&str> = plan.steps.iter().map(|s| s.address.as_str()).collect();
    assert!(addresses.contains(&"table.public.extra"), "{addresses:?}");
    assert!(
        addresses.contains(&"table.public.notes.index.notes_created_idx"),
        "{addresses:?}"
    );
}

#[tokio::test]
async fn passwords_in_urls_are_never_printed() {
    let (from, to) = pair(
        "diff_redact",
        NOTES,
        "create table public.extra (id int primary key);",
        "",
    )
    .await;
    // The test cluster trusts loopback connections, so any password is accepted.
    let with_password = |u: &str| u.replacen("postgres@", "postgres:Sup3rS3cretPw@", 1);
    let (from_pw, to_pw) = (with_password(&from), with_password(&to));
    assert_ne!(from_pw, from);
    for extra in [&[][..], &["--json"], &["--sql"]] {
        let out = diff(&from_pw, &to_pw, extra);
        assert!(out.status.success(), "{}", text(&out.stderr));
        let all = text(&out.stdout) + &text(&out.stderr);
        assert!(!all.contains("Sup3rS3cretPw"), "{all}");
        assert!(all.contains("postgres:********@"), "{all}");
    }
    // Nor in errors: an unreachable server.
    let out = diff(
        "postgresql://postgres:Sup3rS3cretPw@127.0.0.1:1/nowhere",
        &to_pw,
        &[],
    );
    assert_eq!(out.status.code(), Some(1));
    let all = text(&out.stdout) + &text(&out.stderr);
    assert!(!all.contains("Sup3rS3cretPw"), "{all}");
    assert!(all.contains("cannot reach the database"), "{all}");
}

#[tokio::test]
async fn environments_of_the_configuration_name_the_databases() {
    let (from, to) = pair(
        "diff_envs",
        NOTES,
        "",
        "alter table public.notes add column title text;",
    )
    .await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("envs.hcl"),
        format!(
            "environment \"staging\" {{\n  database_url = \"{to}\"\n}}\nenvironment \"production\" {{\n  database_url = \"{from}\"\n}}\n"
        ),
    )
    .unwrap();
    let out = supaform(
        dir.path(),
        &["diff", "--from", "production", "--to", "staging", "--json"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let plan: supaform::plan::Plan = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(plan.environment, "production");
    let addresses: Vec<&str> = plan.steps.iter().map(|s| s.address.as_str()).collect();
    assert_eq!(addresses, ["table.public.notes.column.title"]);

    // A name without a configuration is an error that says what to pass.
    let empty = tempfile::tempdir().unwrap();
    let out = supaform(empty.path(), &["diff", "--from", "production", "--to", &to]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("`production` is not a postgresql:// URL"),
        "{err}"
    );
    assert!(err.contains("supaform::diff::no_config"), "{err}");
}

#[tokio::test]
async fn findings_are_run_on_the_to_side() {
    // RLS without any policy (L302) on a table of --to only, and on one of --from only.
    let (from, to) = pair(
        "diff_findings",
        NOTES,
        "create table public.from_locked (id int primary key);
         alter table public.from_locked enable row level security;",
        "create table public.to_locked (id int primary key);
         alter table public.to_locked enable row level security;",
    )
    .await;
    let out = diff(&from, &to, &["--json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let plan: supaform::plan::Plan = serde_json::from_slice(&out.stdout).unwrap();
    let l302: Vec<&str> = plan
        .findings
        .iter()
        .filter(|f| f.rule.code() == "L302")
        .map(|f| f.address.as_str())
        .collect();
    assert_eq!(l302, ["table.public.to_locked"], "{:?}", plan.findings);
}

#[tokio::test]
async fn l303_reads_the_grants_beyond_supabases_defaults() {
    // Supabase's default privileges grant every command to the API roles; with only a
    // select policy that is not a finding. A deliberate insert grant without a policy is.
    let (from, to) = pair(
        "diff_l303",
        NOTES,
        "",
        "revoke all on public.notes from anon, authenticated;
         grant select, insert on public.notes to authenticated;",
    )
    .await;
    let l303 = |from: &str, to: &str| -> Vec<String> {
        let out = diff(from, to, &["--json"]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        let plan: supaform::plan::Plan = serde_json::from_slice(&out.stdout).unwrap();
        plan.findings
            .iter()
            .filter(|f| f.rule.code() == "L303")
            .map(|f| format!("{} {}", f.address, f.message))
            .collect()
    };
    assert_eq!(l303(&to, &from), Vec::<String>::new());
    let found = l303(&from, &to);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].starts_with("table.public.notes "), "{found:?}");
    assert!(found[0].contains("is granted insert"), "{found:?}");
}

/// Every format names both sides: environment names, or the URLs without their password
/// (`diff --sql` used to call the plan one for environment "<the --from URL>").
#[tokio::test]
async fn every_format_names_both_sides() {
    let (from, to) = pair(
        "diff_sides",
        NOTES,
        "",
        "alter table public.notes add column title text;",
    )
    .await;
    let with_password = |u: &str| u.replacen("postgres@", "postgres:SidesPw42@", 1);
    let redacted = |u: &str| u.replacen("postgres@", "postgres:********@", 1);
    let (from_pw, to_pw) = (with_password(&from), with_password(&to));
    let (from_shown, to_shown) = (redacted(&from), redacted(&to));

    let sql = text(&diff(&from_pw, &to_pw, &["--sql"]).stdout);
    let first = sql.lines().next().unwrap_or_default();
    assert_eq!(
        first,
        format!(
            "-- supaform diff: the SQL that makes {from_shown} (--from) match {to_shown} (--to)"
        ),
        "{sql}"
    );
    let human = text(&diff(&from_pw, &to_pw, &[]).stdout);
    assert!(
        human.contains(&format!(
            "on {from_shown} (--from) to make it match {to_shown} (--to)"
        )),
        "{human}"
    );
    let json = diff(&from_pw, &to_pw, &["--json"]);
    let plan: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(plan["compared"]["from"], from_shown.as_str());
    assert_eq!(plan["compared"]["to"], to_shown.as_str());
    // The same databases: no changes, both named.
    let same = text(&diff(&from_pw, &from_pw, &[]).stdout);
    assert!(
        same.contains(&format!("No changes. {from_shown} matches {from_shown}.")),
        "{same}"
    );

    // Environments of a configuration are named by their names.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("envs.hcl"),
        format!(
            "environment \"staging\" {{\n  database_url = \"{to}\"\n}}\nenvironment \"production\" {{\n  database_url = \"{from}\"\n}}\n"
        ),
    )
    .unwrap();
    let out = supaform(
        dir.path(),
        &["diff", "--from", "production", "--to", "staging", "--sql"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).starts_with(
            "-- supaform diff: the SQL that makes production (--from) match staging (--to)\n"
        ),
        "{}",
        text(&out.stdout)
    );
}

#[tokio::test]
async fn databases_differing_only_in_grant_options_are_not_the_same() {
    let (from, to) = pair(
        "diff_grant_option",
        NOTES,
        "grant select on public.notes to authenticated;",
        "grant select on public.notes to authenticated with grant option;",
    )
    .await;
    let out = diff(&from, &to, &["--detailed-exitcode"]);
    let plan = text(&out.stdout);
    assert_eq!(out.status.code(), Some(2), "{plan}{}", text(&out.stderr));
    assert!(
        plan.contains("grant SELECT with grant option on public.notes to authenticated"),
        "{plan}"
    );
    // And back: only the option is revoked, SELECT stays.
    let out = diff(&to, &from, &["--sql"]);
    let sql = text(&out.stdout);
    assert!(
        sql.contains(
            "REVOKE GRANT OPTION FOR SELECT ON TABLE \"public\".\"notes\" FROM \"authenticated\";"
        ),
        "{sql}"
    );
    assert!(!sql.contains("REVOKE SELECT"), "{sql}");
}
