//! `lint` as a whole: ordering, and the findings on `examples/postcards`.

use super::*;
use crate::config::{load, LoadOptions};
use std::path::Path;

#[test]
fn rules_have_codes_titles_docs_and_severities() {
    for (i, r) in Rule::ALL.iter().enumerate() {
        assert_eq!(r.code(), format!("L{}", 301 + i));
        assert!(!r.title().is_empty() && !r.title().contains('\n'));
        assert!(!r.docs().is_empty());
    }
    assert_eq!(Rule::L301.severity(), Severity::Dangerous);
    assert!(Severity::Dangerous > Severity::Caution && Severity::Caution > Severity::Info);
    assert_eq!(
        serde_json::to_value(Finding {
            rule: Rule::L312,
            severity: Severity::Info,
            address: "extension.x".into(),
            message: "m".into(),
            help: None,
        })
        .unwrap(),
        serde_json::json!({"rule": "L312", "severity": "info", "address": "extension.x", "message": "m", "help": null})
    );
}

#[test]
fn findings_are_sorted_by_severity_then_rule_then_address() {
    let m = testing::model(
        r#"
extension "pg_trgm" { schema = "public" }
table "b" {
  column "id" { type = "uuid" }
}
table "a" {
  column "id" { type = "uuid" }
}
grant "a" {
  on         = table.a
  roles      = ["anon"]
  privileges = ["select"]
}
"#,
    );
    let got: Vec<(Rule, String)> = lint(&m, &LintOptions::default())
        .into_iter()
        .map(|f| (f.rule, f.address))
        .collect();
    assert_eq!(
        got,
        [
            (Rule::L301, "table.public.a".to_string()),
            (Rule::L310, "table.public.a".to_string()),
            (Rule::L310, "table.public.b".to_string()),
            (Rule::L312, "extension.pg_trgm".to_string()),
        ]
    );
}

#[test]
fn options_choose_the_exposed_schemas() {
    let m = testing::model(
        r#"
table "a" {
  column "id" { type = "uuid" }
  primary_key = ["id"]
}
grant "a" {
  on         = table.a
  roles      = ["anon"]
  privileges = ["select"]
}
"#,
    );
    let opts = LintOptions {
        exposed_schemas: vec!["api".into()],
        ..Default::default()
    };
    assert!(lint(&m, &opts).is_empty());
    assert_eq!(lint(&m, &LintOptions::default()).len(), 1);
}

#[test]
fn the_postcards_example() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/postcards");
    let opts = LoadOptions {
        env: Box::new(|_| None),
        ..Default::default()
    };
    let config = match load(&dir, &opts) {
        Ok(c) => c,
        Err(d) => panic!("examples/postcards does not load:\n{d:?}"),
    };
    let got: Vec<String> = lint(&config.model, &LintOptions::default())
        .into_iter()
        .map(|f| format!("{} {} {}: {}", f.severity, f.rule, f.address, f.message))
        .collect();
    // Reviewed: the example declares RLS, policies and grants for every table; its select
    // policies were merged into one per role after L309 pointed out the overlap.
    assert_eq!(got, Vec::<String>::new());
}
