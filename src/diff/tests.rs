use super::*;
use crate::config::{load_str, LoadOptions};
use std::path::Path;

/// A model from HCL, the way the desired side is built.
fn model(hcl: &str) -> Model {
    let opts = LoadOptions {
        env: Box::new(|_| Some("value".into())),
        ..Default::default()
    };
    match load_str(Path::new("."), &[("main.hcl", hcl)], &opts) {
        Ok(c) => c.model,
        Err(d) => panic!("{d:?}"),
    }
}

fn owned(addrs: &[&str]) -> Ownership {
    Ownership {
        owned: addrs.iter().map(|s| s.to_string()).collect(),
        ..Default::default()
    }
}

fn summary(d: &Diff) -> Vec<String> {
    d.changes
        .iter()
        .map(|c| format!("{} {}", c.action().symbol(), c.address()))
        .collect()
}

const BASE: &str = r#"
enum "status" { values = ["draft", "paid", "sent"] }
table "profiles" {
  column "id" { type = "uuid" }
  column "username" {
    type = "text"
    null = true
  }
  primary_key = ["id"]
  rls { enabled = true }
}
table "postcards" {
  column "id" { type = "uuid" }
  column "owner_id" { type = "uuid" }
  column "status" {
    type    = enum.status
    default = "draft"
  }
  primary_key = ["id"]
  foreign_key "postcards_owner_id_fkey" {
    columns    = ["owner_id"]
    references = table.profiles
  }
}
policy "own" {
  table   = table.profiles
  command = "select"
  roles   = ["authenticated"]
  using   = "(select auth.uid()) = id"
}
grant "read" {
  on         = table.profiles
  roles      = ["authenticated"]
  privileges = ["select"]
}
"#;

#[test]
fn identical_models_have_no_changes() {
    let m = model(BASE);
    let d = diff(&m, &m, &Ownership::default());
    assert!(d.is_empty(), "{:?}", summary(&d));
    assert!(d.unmanaged.is_empty());
}

#[test]
fn new_tables_are_created_before_their_foreign_keys() {
    let d = diff(&model(BASE), &Model::default(), &Ownership::default());
    assert_eq!(
        summary(&d),
        [
            "+ enum.public.status",
            "+ table.public.postcards",
            "+ table.public.profiles",
            "+ table.public.postcards.foreign_key.postcards_owner_id_fkey",
            "+ policy.public.profiles.own",
            "+ grant.public.profiles.authenticated",
        ]
    );
    assert!(matches!(
        &d.changes[3],
        Change::AddForeignKey {
            new_table: true,
            ..
        }
    ));
}

#[test]
fn a_live_table_nobody_owns_is_reported_not_dropped() {
    let desired = model(BASE);
    let mut live = desired.clone();
    let extra = QName::new("public", "legacy");
    live.tables.insert(extra.clone(), Table::new(extra.clone()));
    let d = diff(&desired, &live, &Ownership::default());
    assert!(d.is_empty(), "{:?}", summary(&d));
    assert_eq!(d.unmanaged, [Address::Table(extra)]);

    // Once the state says supaform created it, removing it from the config drops it.
    let d = diff(&desired, &live, &owned(&["table.public.legacy"]));
    assert_eq!(summary(&d), ["- table.public.legacy"]);
    assert!(d.unmanaged.is_empty());
}

#[test]
fn renamed_from_renames_instead_of_dropping() {
    let live = model(BASE);
    let desired = model(
        &BASE
            .replace(
                "table \"profiles\" {",
                "table \"accounts\" {\n  renamed_from = \"profiles\"",
            )
            .replace("table.profiles", "table.accounts"),
    );
    let d = diff(&desired, &live, &Ownership::everything());
    // The foreign key, policy and grant follow the table; only its primary key keeps
    // the old name (Postgres does not rename constraints) and is renamed too.
    assert_eq!(
        summary(&d),
        [
            "> table.public.accounts",
            "> table.public.accounts.primary_key",
        ]
    );
    assert!(d.unmanaged.is_empty());
}

#[test]
fn a_drop_beside_a_look_alike_create_suggests_renamed_from() {
    let live = model(BASE);
    let desired = model(
        &BASE
            .replace("table \"profiles\" {", "table \"accounts\" {")
            .replace("table.profiles", "table.accounts"),
    );
    let d = diff(&desired, &live, &Ownership::everything());
    let s = summary(&d);
    assert!(s.contains(&"- table.public.profiles".to_string()), "{s:?}");
    assert!(s.contains(&"+ table.public.accounts".to_string()), "{s:?}");
    assert_eq!(d.hints.len(), 1, "{:?}", d.hints);
    assert!(
        d.hints[0].message.contains("renamed_from = \"profiles\""),
        "{}",
        d.hints[0].message
    );
}

#[test]
fn column_changes_are_add_drop_rename_and_alter() {
    let live = model(BASE);
    let desired = model(&BASE.replace(
        "  column \"username\" {\n    type = \"text\"\n    null = true\n  }",
        "  column \"handle\" {\n    type         = \"text\"\n    null         = true\n    renamed_from = \"username\"\n  }\n  column \"bio\" {\n    type = \"varchar(200)\"\n    null = true\n  }",
    ).replace("column \"owner_id\" { type = \"uuid\" }", "column \"owner_id\" {\n    type = \"uuid\"\n    null = true\n  }"));
    let d = diff(&desired, &live, &Ownership::default());
    assert_eq!(
        summary(&d),
        [
            "> table.public.profiles.column.handle",
            "~ table.public.postcards.column.owner_id",
            "+ table.public.profiles.column.bio",
        ]
    );
    let Change::AlterColumn { from, to, .. } = &d.changes[1] else {
        panic!()
    };
    assert!(!from.nullable && to.nullable);
}

#[test]
fn a_column_missing_from_the_config_is_dropped_with_a_rename_hint() {
    let live = model(BASE);
    let desired = model(&BASE.replace("column \"username\"", "column \"handle\""));
    let d = diff(&desired, &live, &Ownership::default());
    assert_eq!(
        summary(&d),
        [
            "+ table.public.profiles.column.handle",
            "- table.public.profiles.column.username",
        ]
    );
    assert!(d.hints[0].message.contains("renamed_from = \"username\""));
}

#[test]
fn enum_values_added_in_place_or_the_type_is_rebuilt() {
    let live = model(BASE);
    let desired = model(&BASE.replace(
        "[\"draft\", \"paid\", \"sent\"]",
        "[\"draft\", \"pending\", \"paid\", \"sent\", \"lost\"]",
    ));
    let d = diff(&desired, &live, &Ownership::default());
    assert_eq!(
        d.changes,
        [
            Change::AddEnumValue {
                name: QName::new("public", "status"),
                value: "pending".into(),
                before: Some("paid".into()),
            },
            Change::AddEnumValue {
                name: QName::new("public", "status"),
                value: "lost".into(),
                before: None,
            },
        ]
    );

    let desired = model(&BASE.replace(
        "[\"draft\", \"paid\", \"sent\"]",
        "[\"draft\", \"sent\", \"paid\"]",
    ));
    let d = diff(&desired, &live, &Ownership::default());
    let [Change::RebuildEnum { columns, .. }] = d.changes.as_slice() else {
        panic!("{:?}", summary(&d))
    };
    assert_eq!(
        columns,
        &[(QName::new("public", "postcards"), "status".to_string())]
    );
    assert_eq!(d.changes[0].action(), Action::Replace);
}

#[test]
fn policy_changes_alter_replace_or_rename() {
    let live = model(BASE);
    let d = diff(
        &model(&BASE.replace("= id\"", "= id and true\"")),
        &live,
        &Ownership::default(),
    );
    assert!(matches!(d.changes.as_slice(), [Change::AlterPolicy { .. }]));

    let d = diff(
        &model(&BASE.replace("command = \"select\"", "command = \"all\"")),
        &live,
        &Ownership::default(),
    );
    assert!(matches!(
        d.changes.as_slice(),
        [Change::ReplacePolicy { .. }]
    ));

    let d = diff(
        &model(&BASE.replace(
            "policy \"own\" {",
            "policy \"read_own\" {\n  renamed_from = \"own\"",
        )),
        &live,
        &Ownership::default(),
    );
    assert_eq!(summary(&d), ["> policy.public.profiles.read_own"]);
}

#[test]
fn a_policy_not_in_the_config_is_dropped_only_when_owned() {
    let live = model(BASE);
    let mut desired = live.clone();
    desired.policies.clear();
    let d = diff(&desired, &live, &Ownership::default());
    assert!(d.is_empty());
    assert_eq!(d.unmanaged.len(), 1);
    let d = diff(&desired, &live, &owned(&["policy.public.profiles.own"]));
    assert_eq!(summary(&d), ["- policy.public.profiles.own"]);
}

#[test]
fn grants_add_what_is_missing_and_revoke_what_is_extra_for_managed_roles() {
    let desired = model(BASE);
    let mut live = desired.clone();
    live.grants = vec![
        Grant {
            target: GrantTarget::Table(QName::new("public", "profiles")),
            role: "authenticated".into(),
            privileges: vec!["INSERT".into()],
            columns: vec![],
            grantable: vec![],
        },
        Grant {
            target: GrantTarget::Table(QName::new("public", "profiles")),
            role: "reporting".into(),
            privileges: vec!["SELECT".into()],
            columns: vec![],
            grantable: vec![],
        },
    ];
    let d = diff(&desired, &live, &Ownership::default());
    assert_eq!(
        d.changes,
        [
            Change::Grant(Grant {
                target: GrantTarget::Table(QName::new("public", "profiles")),
                role: "authenticated".into(),
                privileges: vec!["SELECT".into()],
                columns: vec![],
                grantable: vec![],
            }),
            Change::Revoke(Grant {
                target: GrantTarget::Table(QName::new("public", "profiles")),
                role: "authenticated".into(),
                privileges: vec!["INSERT".into()],
                columns: vec![],
                grantable: vec![],
            }),
        ]
    );
}

/// What the state recorded as declared: authenticated may select on profiles.
fn declared_select() -> Ownership {
    let key = (
        GrantTarget::Table(QName::new("public", "profiles")),
        "authenticated".to_string(),
        vec![],
    );
    Ownership {
        declared_grants: [(key, ["SELECT".to_string()].into_iter().collect())]
            .into_iter()
            .collect(),
        ..Default::default()
    }
}

fn profiles_grant(role: &str, privileges: &[&str]) -> Grant {
    Grant {
        target: GrantTarget::Table(QName::new("public", "profiles")),
        role: role.into(),
        privileges: privileges.iter().map(|p| p.to_string()).collect(),
        columns: vec![],
        grantable: vec![],
    }
}

#[test]
fn a_removed_grant_block_revokes_what_it_declared() {
    let desired = model(&BASE.replace("grant \"read\"", "# removed\ngrant \"unused\"").replace(
        "  on         = table.profiles\n  roles      = [\"authenticated\"]\n  privileges = [\"select\"]",
        "  on         = table.postcards\n  roles      = [\"anon\"]\n  privileges = []",
    ));
    let mut live = desired.clone();
    // Live: what the removed block granted, and more that defaults gave.
    live.grants = vec![profiles_grant("authenticated", &["SELECT", "INSERT"])];
    let d = diff(&desired, &live, &declared_select());
    assert_eq!(
        d.changes,
        [Change::Revoke(profiles_grant("authenticated", &["SELECT"]))],
        "only what the block declared is revoked"
    );
    // Without the state's record (an older state), nothing is revoked, as before.
    let d = diff(&desired, &live, &Ownership::default());
    assert!(d.changes.is_empty(), "{:?}", d.changes);
}

#[test]
fn a_grant_still_declared_or_on_a_dropped_table_is_not_revoked_as_removed() {
    // Still declared: nothing to do.
    let desired = model(BASE);
    let mut live = desired.clone();
    live.grants = vec![profiles_grant("authenticated", &["SELECT"])];
    assert!(diff(&desired, &live, &declared_select()).changes.is_empty());
    // The table is dropped with the block: its grants go with it, no revoke is planned.
    let without = BASE
        .replace("grant \"read\" {\n  on         = table.profiles\n  roles      = [\"authenticated\"]\n  privileges = [\"select\"]\n}\n", "");
    let mut desired = model(&without);
    desired.tables.remove(&QName::new("public", "profiles"));
    desired.policies.clear();
    desired
        .tables
        .get_mut(&QName::new("public", "postcards"))
        .unwrap()
        .foreign_keys
        .clear();
    let d = diff(&desired, &live, &declared_select());
    assert!(
        !d.changes.iter().any(|c| matches!(c, Change::Revoke(_))),
        "{:?}",
        d.changes
    );
}

const FUNC: &str = r#"
function "add_one" {
  argument "n" { type = "integer" }
  returns = "integer"
  body    = "select n + 1"
}
"#;

#[test]
fn a_function_body_change_replaces_a_signature_change_recreates() {
    let live = model(FUNC);
    let d = diff(
        &model(&FUNC.replace("n + 1", "n + 2")),
        &live,
        &Ownership::default(),
    );
    assert!(matches!(
        d.changes.as_slice(),
        [Change::ReplaceFunction { .. }]
    ));
    let d = diff(
        &model(&FUNC.replace("\"integer\" }", "\"bigint\" }")),
        &live,
        &Ownership::default(),
    );
    assert!(
        matches!(d.changes.as_slice(), [Change::RecreateFunction { .. }]),
        "{:?}",
        summary(&d)
    );
    assert_eq!(d.changes[0].action(), Action::Replace);
}

#[test]
fn comparing_two_databases_owns_everything() {
    let from = model(BASE);
    let d = diff(&Model::default(), &from, &Ownership::everything());
    let s = summary(&d);
    assert!(s.contains(&"- table.public.profiles".to_string()), "{s:?}");
    assert!(s.contains(&"- enum.public.status".to_string()), "{s:?}");
    // The policy goes with its table; no separate drop is planned.
    assert!(!s.iter().any(|c| c.starts_with("- policy")), "{s:?}");
}
