//! The JSON Schemas in `schemas/` are generated from the Rust types; this test fails when a
//! checked-in schema is out of date. Regenerate with `UPDATE_SCHEMAS=1 cargo test --test schemas`.

use std::path::Path;

fn check(file: &str, schema: schemars::Schema) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("schemas")
        .join(file);
    let fresh = serde_json::to_string_pretty(&schema).unwrap() + "\n";
    if std::env::var_os("UPDATE_SCHEMAS").is_some() {
        std::fs::write(&path, &fresh).unwrap();
        return;
    }
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        current == fresh,
        "schemas/{file} is out of date: run `UPDATE_SCHEMAS=1 cargo test --test schemas` and commit it"
    );
}

#[test]
fn the_plan_schema_is_up_to_date() {
    check(
        "plan.schema.json",
        schemars::schema_for!(supaform::plan::Plan),
    );
}

#[test]
fn the_state_schema_is_up_to_date() {
    check(
        "state.schema.json",
        schemars::schema_for!(supaform::state::State),
    );
}
