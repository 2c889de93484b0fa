//! `supaform drift`, `apply --refresh-only` and the plan's "changed outside" section, through
//! the real binary against real databases of the test cluster: after an apply, each
//! scenario changes the live database (or the fake Management API) behind supaform's back,
//! and asserts the exact report in all three formats (insta snapshots under
//! `tests/snapshots/drift__*.snap`).

mod common;
mod fake_api;

use fake_api::{FakeApi, PROJECT_REF, TOKEN};
use std::path::Path;
use std::process::{Command, Output};
use supaform::drift::DriftReport;
use supaform::report::drift::{human, markdown, Style};

const SCHEMA: &str = r#"
extension "pg_trgm" { schema = "extensions" }

enum "status" { values = ["draft", "sent"] }

table "notes" {
  column "id" {
    type    = "uuid"
    default = sql("gen_random_uuid()")
  }
  column "body" { type = "text" }
  column "owner" { type = "uuid" }
  column "status" {
    type    = enum.status
    default = "draft"
  }
  column "title" {
    type    = "text"
    default = "untitled"
  }
  primary_key = ["id"]
  index "notes_owner_idx" { columns = ["owner"] }
  check "body_length" { expression = "char_length(body) < 10000" }
  rls { enabled = true }
  comment = "user notes"
}

table "tags" {
  column "id" { type = "bigint" }
  column "note_id" { type = "uuid" }
  primary_key = ["id"]
  foreign_key "tags_note_id_fkey" {
    columns    = ["note_id"]
    references = table.notes
    on_delete  = "cascade"
  }
  index "tags_note_id_idx" { columns = ["note_id"] }
  rls { enabled = true }
}

policy "notes_own" {
  table   = table.notes
  command = "all"
  roles   = ["authenticated"]
  using   = "(select auth.uid()) = owner"
  check   = "(select auth.uid()) = owner"
}

policy "tags_read" {
  table   = table.tags
  command = "select"
  roles   = ["authenticated"]
  using   = "true"
}

function "set_title" {
  returns  = "trigger"
  language = "plpgsql"
  body     = "begin new.title := coalesce(nullif(new.title, ''), 'untitled'); return new; end;"
}

trigger "notes_set_title" {
  table    = table.notes
  timing   = "before"
  events   = ["insert"]
  function = function.set_title
}

view "note_titles" {
  query            = "select id, title from public.notes"
  security_invoker = true
}

bucket "attachments" {
  file_size_limit = "5MB"
}
"#;

const FUNCS: &str = r#"
secret "PAY_KEY" { value = env("PAY_KEY") }
edge_function "pay" {
  source     = "functions/pay"
  depends_on = [secret.PAY_KEY]
}
"#;

struct Project {
    dir: tempfile::TempDir,
    url: String,
    fake: Option<FakeApi>,
}

impl Project {
    fn run(&self, args: &[&str]) -> Output {
        let mut c = Command::new(env!("CARGO_BIN_EXE_supaform"));
        c.current_dir(self.dir.path())
            .args(args)
            .env("NO_COLOR", "1")
            .env("SUPAFORM_CACHE_DIR", common::cache_dir())
            .env("PAY_KEY", "sk_live_1");
        if let Some(f) = &self.fake {
            c.env("SUPABASE_API_URL", &f.base_url)
                .env("SUPABASE_ACCESS_TOKEN", TOKEN);
        }
        c.output().expect("run supaform")
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(out.status.success(), "{args:?}: {}", both(&out));
        text(&out.stdout)
    }

    async fn sql(&self, sql: &str) {
        let c = supaform::db::connect(&self.url).await.unwrap();
        c.batch_execute(sql)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e:?}"));
    }

    /// `drift --format json` through the binary: the exit code and the report.
    fn drift(&self) -> (i32, DriftReport, String) {
        let out = self.run(&["drift", "-e", "test", "--format", "json"]);
        let json = text(&out.stdout);
        let report: DriftReport = serde_json::from_str(&json)
            .unwrap_or_else(|e| panic!("not a drift report ({e}): {}", both(&out)));
        (out.status.code().unwrap_or(-1), report, json)
    }
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn both(o: &Output) -> String {
    format!("{}{}", text(&o.stdout), text(&o.stderr))
}

fn write(dir: &Path, rel: &str, body: &str) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, body).unwrap();
}

/// A fresh database with `SCHEMA` (plus Edge Functions and a secret on the fake API when
/// `functions`) applied by supaform.
async fn applied(tag: &str, functions: bool) -> Project {
    common::server();
    let url = common::fresh_db(tag).await;
    let dir = tempfile::tempdir().unwrap();
    let fake = if functions {
        Some(FakeApi::start().await)
    } else {
        None
    };
    let env = if functions {
        format!("environment \"test\" {{\n  database_url = \"{url}\"\n  project_ref  = \"{PROJECT_REF}\"\n}}\n")
    } else {
        format!("environment \"test\" {{\n  database_url = \"{url}\"\n}}\n")
    };
    write(dir.path(), "env.hcl", &env);
    write(dir.path(), "main.hcl", SCHEMA);
    if functions {
        write(dir.path(), "functions.hcl", FUNCS);
        write(
            dir.path(),
            "functions/pay/index.ts",
            "Deno.serve(() => new Response('pay'));\n",
        );
    }
    let p = Project { dir, url, fake };
    p.ok(&["apply", "-e", "test", "--auto-approve", "--no-rehearse"]);
    p
}

/// The report in the three formats: JSON as the binary printed it, human and Markdown
/// rendered from it (a separate test checks the binary prints exactly these).
fn three_formats(code: i32, report: &DriftReport, json: &str) -> String {
    format!(
        "exit code: {code}\n\n===== human =====\n{}\n===== json =====\n{}\n===== markdown =====\n{}",
        human(report, Style { color: false }),
        json,
        markdown(report)
    )
}

/// Apply, change live behind supaform's back, snapshot the drift report.
async fn scenario(name: &str, sql: &str) -> DriftReport {
    let p = applied(name, false).await;
    p.sql(sql).await;
    let (code, report, json) = p.drift();
    assert_eq!(code, 2, "{json}");
    insta::assert_snapshot!(name, three_formats(code, &report, &json));
    report
}

fn out_of_band(r: &DriftReport) -> Vec<(String, String)> {
    r.of(supaform::drift::Category::OutOfBand)
        .map(|i| (i.address.clone(), i.risk.as_str().to_string()))
        .collect()
}

macro_rules! scenarios {
    ($($name:ident: $sql:expr => [$(($addr:expr, $risk:expr)),*];)*) => {$(
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $name() {
            let r = scenario(stringify!($name), $sql).await;
            let expected: Vec<(String, String)> = vec![$(($addr.to_string(), $risk.to_string())),*];
            assert_eq!(out_of_band(&r), expected);
        }
    )*};
}

scenarios! {
    column_added_from_the_dashboard: "alter table public.notes add column color text"
        => [("table.public.notes", "caution")];
    column_dropped: "alter table public.notes drop column status"
        => [("table.public.notes", "dangerous")];
    column_type_changed: "alter table public.tags alter column id type numeric"
        => [("table.public.tags", "caution")];
    column_default_changed: "alter table public.notes alter column title set default 'draft note'"
        => [("table.public.notes", "caution")];
    not_null_dropped: "alter table public.notes alter column body drop not null"
        => [("table.public.notes", "caution")];
    index_dropped: "drop index public.notes_owner_idx"
        => [("table.public.notes", "caution")];
    index_added: "create index notes_body_idx on public.notes (body)"
        => [("table.public.notes", "caution")];
    check_constraint_dropped: "alter table public.notes drop constraint body_length"
        => [("table.public.notes", "caution")];
    foreign_key_dropped: "alter table public.tags drop constraint tags_note_id_fkey"
        => [("table.public.tags", "caution")];
    rls_disabled: "alter table public.notes disable row level security"
        => [("table.public.notes", "dangerous")];
    rls_forced: "alter table public.notes force row level security"
        => [("table.public.notes", "caution")];
    policy_loosened_to_true: "alter policy notes_own on public.notes using (true)"
        => [("policy.public.notes.notes_own", "dangerous")];
    policy_widened_to_anon: "alter policy tags_read on public.tags to authenticated, anon"
        => [("policy.public.tags.tags_read", "dangerous")];
    policy_dropped: "drop policy notes_own on public.notes"
        => [("policy.public.notes.notes_own", "dangerous")];
    policy_added: "create policy notes_public on public.notes for select to anon using (true)"
        => [];
    grant_revoked: "revoke delete on public.notes from authenticated"
        => [("grant.public.notes.authenticated", "caution")];
    grant_added: "grant select (note_id) on public.tags to anon"
        => [("grant.public.tags.anon", "caution")];
    enum_value_added: "alter type public.status add value 'archived'"
        => [("enum.public.status", "caution")];
    function_body_changed: "create or replace function public.set_title() returns trigger language plpgsql as $$begin return new; end;$$"
        => [("function.public.set_title", "caution")];
    function_dropped: "drop function public.set_title() cascade"
        => [
            ("function.public.set_title", "caution"),
            ("grant.public.set_title.anon", "caution"),
            ("grant.public.set_title.authenticated", "caution"),
            ("grant.public.set_title.public", "caution"),
            ("grant.public.set_title.service_role", "caution"),
            ("trigger.public.notes.notes_set_title", "caution")
        ];
    trigger_dropped: "drop trigger notes_set_title on public.notes"
        => [("trigger.public.notes.notes_set_title", "caution")];
    view_redefined: "create or replace view public.note_titles with (security_invoker = true) as select id, title, 'x'::text as extra from public.notes"
        => [("view.public.note_titles", "caution")];
    view_runs_as_owner: "alter view public.note_titles set (security_invoker = false)"
        => [("view.public.note_titles", "caution")];
    table_dropped: "drop table public.tags"
        => [
            ("grant.public.tags.anon", "caution"),
            ("grant.public.tags.authenticated", "caution"),
            ("grant.public.tags.service_role", "caution"),
            ("policy.public.tags.tags_read", "caution"),
            ("table.public.tags", "dangerous")
        ];
    table_added: "create table public.audit (id bigint primary key, what text)"
        => [];
    comment_changed: "comment on table public.notes is 'edited in the dashboard'"
        => [("table.public.notes", "caution")];
    extension_dropped: "drop extension pg_trgm"
        => [("extension.pg_trgm", "caution")];
    bucket_made_public: "update storage.buckets set public = true where id = 'attachments'"
        => [("bucket.attachments", "caution")];
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn right_after_an_apply_there_is_no_drift() {
    let p = applied("drift_clean", false).await;
    let (code, report, json) = p.drift();
    assert_eq!(code, 0, "{json}");
    assert!(report.is_clean(), "{json}");
    let out = p.run(&["drift", "-e", "test"]);
    assert_eq!(out.status.code(), Some(0));
    insta::assert_snapshot!(text(&out.stdout), @r#"No drift. Environment "test" matches the configuration and the state."#);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_prints_the_same_human_and_markdown_reports() {
    let p = applied("drift_formats", false).await;
    p.sql("alter table public.notes disable row level security; alter table public.notes add column color text")
        .await;
    let (_, report, _) = p.drift();
    for (format, expected) in [
        ("human", human(&report, Style { color: false })),
        ("markdown", markdown(&report)),
    ] {
        let out = p.run(&["drift", "-e", "test", "--format", format]);
        assert_eq!(out.status.code(), Some(2), "{}", both(&out));
        assert_eq!(text(&out.stdout), expected, "{format}");
    }
}

// Edge Functions and secrets, changed through the fake Management API.

async fn functions_scenario(name: &str, change: impl AsyncFnOnce(&FakeApi)) -> DriftReport {
    let p = applied(name, true).await;
    let fake = p.fake.as_ref().unwrap();
    change(fake).await;
    let (code, report, json) = p.drift();
    assert_eq!(code, 2, "{json}");
    let snap = three_formats(code, &report, &json);
    assert!(!snap.contains("sk_live"), "a secret value leaked: {snap}");
    insta::assert_snapshot!(name, snap);
    assert!(fake.violations().is_empty(), "{:?}", fake.violations());
    report
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn edge_function_redeployed_by_hand() {
    let r = functions_scenario("edge_function_redeployed_by_hand", async |f| {
        f.deploy_out_of_band(
            "pay",
            vec![(
                "index.ts".into(),
                b"Deno.serve(() => new Response('hotfix'));\n".to_vec(),
            )],
        );
    })
    .await;
    assert_eq!(
        out_of_band(&r),
        [("edge_function.pay".to_string(), "caution".to_string())]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn edge_function_deleted_by_hand() {
    let r = functions_scenario("edge_function_deleted_by_hand", async |f| {
        f.client().delete_function("pay").await.unwrap();
    })
    .await;
    assert_eq!(
        out_of_band(&r),
        [("edge_function.pay".to_string(), "dangerous".to_string())]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secret_changed_by_hand() {
    let r = functions_scenario("secret_changed_by_hand", async |f| {
        let v = supaform::model::Sensitive::new("sk_live_hand_rotated".to_string());
        f.client().set_secrets(&[("PAY_KEY", &v)]).await.unwrap();
    })
    .await;
    assert_eq!(
        out_of_band(&r),
        [("secret.PAY_KEY".to_string(), "caution".to_string())]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secret_deleted_by_hand() {
    let r = functions_scenario("secret_deleted_by_hand", async |f| {
        f.client().delete_secrets(&["PAY_KEY"]).await.unwrap();
    })
    .await;
    assert_eq!(
        out_of_band(&r),
        [("secret.PAY_KEY".to_string(), "dangerous".to_string())]
    );
}

// Refresh and plan.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refresh_only_accepts_live_into_the_state_and_changes_nothing() {
    let p = applied("drift_refresh", true).await;
    let fake = p.fake.as_ref().unwrap();
    p.sql("alter table public.notes add column color text; drop policy tags_read on public.tags")
        .await;
    fake.deploy_out_of_band(
        "pay",
        vec![(
            "index.ts".into(),
            b"Deno.serve(() => new Response('hotfix'));\n".to_vec(),
        )],
    );
    let before_state = std::fs::read_to_string(p.dir.path().join("state/test.json")).unwrap();
    let (_, r, _) = p.drift();
    assert_eq!(r.count(supaform::drift::Category::OutOfBand), 3);

    fake.clear_log();
    let out = p.ok(&["apply", "-e", "test", "--refresh-only", "--auto-approve"]);
    assert!(
        out.contains("Objects have changed outside of supaform"),
        "{out}"
    );
    assert!(out.contains("Refresh complete!"), "{out}");
    // Nothing was changed on the API: only reads.
    assert!(
        fake.requests().iter().all(|r| r.method == "GET"),
        "{:?}",
        fake.requests()
    );
    assert_eq!(fake.function("pay").unwrap().version, 2);
    // Nor on the database: the column is still there, the policy still gone.
    let c = supaform::db::connect(&p.url).await.unwrap();
    let n: i64 = c
        .query_one(
            "select count(*) from pg_catalog.pg_attribute where attrelid = 'public.notes'::regclass and attname = 'color'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(n, 1);
    let after_state = std::fs::read_to_string(p.dir.path().join("state/test.json")).unwrap();
    assert_ne!(before_state, after_state);
    let state: serde_json::Value = serde_json::from_str(&after_state).unwrap();
    assert!(state["resources"]
        .get("policy.public.tags.tags_read")
        .is_none());
    assert_eq!(state["resources"]["edge_function.pay"]["version"], 2);

    // No out-of-band change is left; the configuration still differs from live.
    let (code, r, json) = p.drift();
    assert_eq!(code, 2, "{json}");
    assert_eq!(r.count(supaform::drift::Category::OutOfBand), 0, "{json}");
    assert!(r.count(supaform::drift::Category::Pending) > 0, "{json}");
    // A second refresh has nothing to do.
    let out = p.ok(&["apply", "-e", "test", "--refresh-only", "--auto-approve"]);
    assert!(out.contains("already matches live"), "{out}");

    // With the configuration changed to match live, drift is clean.
    write(
        p.dir.path(),
        "main.hcl",
        &SCHEMA
            .replace(
                "  column \"title\" {",
                "  column \"color\" {\n    type = \"text\"\n    null = true\n  }\n  column \"title\" {",
            )
            .replace(
                "policy \"tags_read\" {\n  table   = table.tags\n  command = \"select\"\n  roles   = [\"authenticated\"]\n  using   = \"true\"\n}\n",
                "",
            ),
    );
    let (code, r, json) = p.drift();
    assert_eq!(code, 0, "{json}");
    assert!(r.is_clean(), "{json}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plan_shows_the_changes_made_outside_first() {
    let p = applied("drift_plan_section", false).await;
    p.sql("alter table public.notes disable row level security")
        .await;
    let out = p.run(&["plan", "-e", "test", "--no-rehearse"]);
    let plan = text(&out.stdout);
    let outside = plan
        .find("Objects have changed outside of supaform:")
        .unwrap_or_else(|| panic!("{plan}"));
    let steps = plan
        .find("supaform will perform the following actions")
        .unwrap_or_else(|| panic!("{plan}"));
    assert!(outside < steps, "{plan}");
    insta::assert_snapshot!(plan);
}

/// `cargo test --release --test drift -- --ignored --nocapture drift_on_1000_tables`:
/// drift on a 1,000-table database (five columns, a primary key, an index, RLS and a policy
/// each) after an apply; prints the wall time of `supaform drift`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore]
async fn drift_on_1000_tables() {
    let mut hcl = String::new();
    for i in 0..1000 {
        hcl.push_str(&format!(
            r#"
table "t{i}" {{
  column "id" {{ type = "bigint" }}
  column "owner" {{ type = "uuid" }}
  column "body" {{ type = "text" }}
  column "n" {{
    type    = "integer"
    default = 0
  }}
  column "created_at" {{
    type    = "timestamptz"
    default = sql("now()")
  }}
  primary_key = ["id"]
  index "t{i}_owner_idx" {{ columns = ["owner"] }}
  rls {{ enabled = true }}
}}
policy "t{i}_own" {{
  table   = table.t{i}
  command = "select"
  roles   = ["authenticated"]
  using   = "(select auth.uid()) = owner"
}}
"#
        ));
    }
    common::server();
    let url = common::fresh_db("drift_bench").await;
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "env.hcl",
        &format!("environment \"test\" {{\n  database_url = \"{url}\"\n}}\n"),
    );
    write(dir.path(), "main.hcl", &hcl);
    let p = Project {
        dir,
        url,
        fake: None,
    };
    let t = std::time::Instant::now();
    p.ok(&["apply", "-e", "test", "--auto-approve", "--no-rehearse"]);
    println!("apply: {:?}", t.elapsed());
    p.sql("alter table public.t500 disable row level security; alter table public.t7 add column x text")
        .await;
    // The parts drift adds to the plan pipeline: introspection and the state comparison.
    let state = supaform::state::State::parse(
        &std::fs::read_to_string(p.dir.path().join("state/test.json")).unwrap(),
        "state/test.json",
    )
    .unwrap();
    let client = supaform::db::connect(&p.url).await.unwrap();
    let opts = supaform::introspect::IntrospectOptions {
        schemas: vec!["public".into()],
        managed_roles: vec!["anon".into(), "authenticated".into(), "service_role".into()],
        all_user_schemas: false,
    };
    let t = std::time::Instant::now();
    let live = supaform::introspect::introspect(&client, &opts)
        .await
        .unwrap();
    let introspected = t.elapsed();
    let t = std::time::Instant::now();
    let items = supaform::drift::out_of_band(&state, &live.model, None);
    println!(
        "introspect: {introspected:?}; out-of-band comparison of {} owned objects: {:?} ({} items)",
        state.resources.len(),
        t.elapsed(),
        items.len()
    );
    let t = std::time::Instant::now();
    p.run(&["plan", "-e", "test", "--no-rehearse"]);
    println!("plan (for comparison): {:?}", t.elapsed());
    for _ in 0..3 {
        let t = std::time::Instant::now();
        let (code, r, _) = p.drift();
        println!(
            "drift: {:?} (exit {code}, {} items)",
            t.elapsed(),
            r.items.len()
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refresh_only_writes_a_database_state_too() {
    common::server();
    let url = common::fresh_db("drift_refresh_db").await;
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "env.hcl",
        &format!("environment \"test\" {{\n  database_url = \"{url}\"\n  state        = \"database\"\n}}\n"),
    );
    write(dir.path(), "main.hcl", SCHEMA);
    let p = Project {
        dir,
        url,
        fake: None,
    };
    p.ok(&["apply", "-e", "test", "--auto-approve", "--no-rehearse"]);
    p.sql("alter table public.notes force row level security")
        .await;
    let (_, r, json) = p.drift();
    assert_eq!(
        out_of_band(&r),
        [("table.public.notes".to_string(), "caution".to_string())],
        "{json}"
    );
    let out = p.ok(&["apply", "-e", "test", "--refresh-only"]);
    assert!(out.contains("Refresh complete!"), "{out}");
    let (_, r, json) = p.drift();
    assert!(out_of_band(&r).is_empty(), "{json}");
    let c = supaform::db::connect(&p.url).await.unwrap();
    let forced: bool = c
        .query_one(
            "select (state -> 'resources' -> 'table.public.notes' -> 'attributes' -> 'rls' ->> 'force')::bool from supaform.state where environment = 'test'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert!(forced);
}
