use super::*;
use crate::config::{load, load_str, LoadOptions};
use crate::diff::{diff, Ownership};
use std::path::Path;

fn model(hcl: &str) -> Model {
    let opts = LoadOptions {
        env: Box::new(|_| Some("v".into())),
        ..Default::default()
    };
    match load_str(Path::new("."), &[("main.hcl", hcl)], &opts) {
        Ok(c) => c.model,
        Err(d) => panic!("{d:?}"),
    }
}

fn plan(desired: &Model, live: &Model, rows: &Rows) -> Vec<Step> {
    let d = diff(desired, live, &Ownership::everything());
    build(
        &d,
        &Context {
            desired,
            live,
            rows,
        },
    )
}

fn rows(t: &str, n: i64) -> Rows {
    let mut r = Rows::new();
    r.insert(
        QName::new("public", t),
        RowCount {
            rows: n,
            exact: true,
        },
    );
    r
}

fn codes(s: &Step) -> Vec<&'static str> {
    s.rules.iter().map(|r| r.rule.code()).collect()
}

const T: &str = r#"
enum "status" { values = ["a", "b"] }
table "items" {
  column "id" { type = "uuid" }
  column "name" {
    type = "varchar(100)"
    null = true
  }
  column "status" {
    type    = enum.status
    default = "a"
  }
  primary_key = ["id"]
  rls { enabled = true }
}
policy "read" {
  table   = table.items
  command = "select"
  roles   = ["anon"]
  using   = "true"
}
"#;

#[test]
fn the_example_from_nothing_is_all_safe_and_in_dependency_order() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/postcards");
    let opts = LoadOptions {
        env: Box::new(|_| None),
        ..Default::default()
    };
    let desired = load(&dir, &opts).unwrap().model;
    let steps = plan(&desired, &Model::default(), &Rows::new());
    assert!(steps.iter().all(|s| s.risk == Risk::Safe), "{steps:#?}");
    let pos = |a: &str| {
        steps
            .iter()
            .position(|s| s.address == a)
            .unwrap_or_else(|| panic!("{a}"))
    };
    assert!(pos("enum.public.postcard_status") < pos("table.public.postcards"));
    assert!(
        pos("table.public.profiles")
            < pos("table.public.postcards.foreign_key.postcards_owner_id_fkey")
    );
    assert!(pos("table.public.postcards") < pos("view.public.published_postcards"));
    assert!(pos("view.public.published_postcards") < pos("grant.public.published_postcards.anon"));
    assert!(
        pos("function.public.handle_new_user") < pos("trigger.auth.users.on_auth_user_created")
    );
    assert!(pos("table.public.postcards") < pos("policy.public.postcards.postcards_select_own"));
    // Nothing runs concurrently on tables created by the plan.
    assert!(steps.iter().all(|s| s.phase != Phase::Concurrent));
    let fk = &steps[pos("table.public.postcards.foreign_key.postcards_owner_id_fkey")];
    assert_eq!(
        fk.depends_on,
        ["table.public.postcards", "table.public.profiles"]
    );
    // Secrets and Edge Functions are planned against their target, not by this diff.
    assert!(steps.iter().all(|s| s.phase != Phase::Functions));
}

#[test]
fn an_index_on_an_existing_table_is_built_concurrently() {
    let live = model(T);
    let desired = model(&T.replace(
        "  primary_key = [\"id\"]",
        "  primary_key = [\"id\"]\n  index \"items_name_idx\" { columns = [\"name\"] }",
    ));
    let steps = plan(&desired, &live, &rows("items", 10));
    assert_eq!(steps.len(), 1);
    assert_eq!(steps[0].phase, Phase::Concurrent);
    assert_eq!(codes(&steps[0]), ["S003"]);
    assert_eq!(
        steps[0].sql,
        ["CREATE INDEX CONCURRENTLY \"items_name_idx\" ON \"public\".\"items\" (\"name\")"]
    );
}

#[test]
fn dropping_a_table_is_dangerous_counts_rows_and_asks_for_a_backup() {
    let live = model(T);
    let mut desired = live.clone();
    desired.tables.clear();
    desired.policies.clear();
    let steps = plan(&desired, &live, &rows("items", 42));
    let drop = steps
        .iter()
        .find(|s| s.address == "table.public.items")
        .unwrap();
    assert_eq!(drop.risk, Risk::Dangerous);
    assert_eq!(codes(drop), ["D201"]);
    assert_eq!(
        drop.affected_rows,
        Some(RowCount {
            rows: 42,
            exact: true
        })
    );
    assert_eq!(
        drop.backup,
        Some(BackupSpec {
            table: "public.items".into(),
            columns: None
        })
    );
    assert!(drop.rules[0].reason.contains("42 rows"));
}

#[test]
fn not_null_on_a_populated_column_goes_through_a_validated_check() {
    let live = model(T);
    let desired = model(&T.replace(
        "    type = \"varchar(100)\"\n    null = true",
        "    type = \"varchar(100)\"",
    ));
    let steps = plan(&desired, &live, &rows("items", 5));
    assert_eq!(steps.len(), 1);
    assert_eq!(codes(&steps[0]), ["C104"]);
    let sql = steps[0].sql.join(";\n");
    assert!(
        sql.contains("CHECK (\"name\" IS NOT NULL) NOT VALID"),
        "{sql}"
    );
    assert!(sql.contains("VALIDATE CONSTRAINT"), "{sql}");
    assert!(sql.contains("SET NOT NULL"), "{sql}");

    // An empty table needs none of that.
    let steps = plan(&desired, &live, &rows("items", 0));
    assert_eq!(codes(&steps[0]), ["S017"]);
    assert_eq!(steps[0].sql.len(), 1);
}

#[test]
fn a_new_enum_value_commits_first_a_removed_one_rebuilds_the_type() {
    let live = model(T);
    let steps = plan(
        &model(&T.replace("[\"a\", \"b\"]", "[\"a\", \"b\", \"c\"]")),
        &live,
        &rows("items", 1),
    );
    assert_eq!(steps.len(), 1);
    assert_eq!(steps[0].phase, Phase::Pre);
    assert_eq!(codes(&steps[0]), ["S005"]);

    let steps = plan(
        &model(&T.replace("[\"a\", \"b\"]", "[\"a\"]")),
        &live,
        &rows("items", 1),
    );
    assert_eq!(codes(&steps[0]), ["D204"]);
    let sql = steps[0].sql.join(";\n");
    assert!(
        sql.contains("USING \"status\"::text::\"public\".\"status\""),
        "{sql}"
    );
    assert!(
        sql.ends_with("DROP TYPE \"public\".\"status__supaform_old\""),
        "{sql}"
    );
    assert!(steps[0].backup.is_some());
}

#[test]
fn type_changes_are_caution_unless_they_narrow() {
    let live = model(T);
    let steps = plan(
        &model(&T.replace("varchar(100)", "text")),
        &live,
        &rows("items", 1),
    );
    assert_eq!(codes(&steps[0]), ["C101"]);
    let steps = plan(
        &model(&T.replace("varchar(100)", "varchar(10)")),
        &live,
        &rows("items", 1),
    );
    assert_eq!(codes(&steps[0]), ["D208"]);
    assert_eq!(steps[0].risk, Risk::Dangerous);
}

#[test]
fn rls_and_policy_changes_are_classified() {
    let live = model(T);
    let steps = plan(
        &model(&T.replace("rls { enabled = true }", "rls { enabled = false }")),
        &live,
        &rows("items", 1),
    );
    assert_eq!(codes(&steps[0]), ["D207"]);
    let steps = plan(
        &model(&T.replace("using   = \"true\"", "using   = \"status = 'a'\"")),
        &live,
        &rows("items", 1),
    );
    assert_eq!(codes(&steps[0]), ["C106"]);
    let mut desired = live.clone();
    desired.policies.clear();
    let steps = plan(&desired, &live, &rows("items", 1));
    assert_eq!(codes(&steps[0]), ["D206"]);
}

#[test]
fn drops_come_before_creates_and_in_reverse_dependency_order() {
    let live = model(T);
    let desired = model(
        r#"
table "other" {
  column "id" { type = "uuid" }
}
"#,
    );
    let steps = plan(&desired, &live, &rows("items", 1));
    let order: Vec<&str> = steps.iter().map(|s| s.address.as_str()).collect();
    assert_eq!(
        order,
        [
            "table.public.items",
            "table.public.other",
            "enum.public.status"
        ],
        "the policy goes with its table; the enum last, after every change that stops using it"
    );
}
