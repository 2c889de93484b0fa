//! The loader on valid configurations: what each block lowers to.

use supaform::config::{load_str, LoadOptions};
use supaform::model::*;

fn opts() -> LoadOptions {
    LoadOptions {
        env: Box::new(|k| match k {
            "STRIPE_SECRET_KEY" => Some("sk_test_123".into()),
            _ => None,
        }),
        ..Default::default()
    }
}

const APP: &str = r#"
project {
  name          = "postcards"
  schemas       = ["public", "app"]
  managed_roles = ["anon", "authenticated", "service_role"]
}

environment "production" {
  database_url = env("PRODUCTION_DATABASE_URL")
  project_ref  = "abcdefghijklmnopqrst"
  protected    = true
  state        = "database"
  lock_timeout = "5s"
}

variable "default_theme" { default = "light" }
locals {
  writers = ["authenticated"]
  schema  = "app"
}

schema "app" { comment = "application tables" }
extension "pg_trgm" {}

enum "status" { values = ["draft", "paid", "sent"] }

table "profiles" {
  column "id" { type = "uuid" }
  column "username" {
    type = "varchar(40)"
    null = true
  }
  column "theme" {
    type    = "text"
    default = var.default_theme
  }
  column "created_at" {
    type    = "timestamptz"
    default = sql("now()")
  }
  column "status" {
    type    = enum.status
    default = "draft"
  }
  column "n" {
    type     = "bigint"
    identity = "by default"
  }
  primary_key = ["id"]
  foreign_key "profiles_id_fkey" {
    columns    = ["id"]
    references = "auth.users(id)"
    on_delete  = "cascade"
  }
  index "profiles_username_idx" {
    columns = ["username"]
    unique  = true
    where   = "username is not null"
  }
  index "profiles_lower_idx" { expressions = ["lower(username)"] }
  check "username_length" { expression = "char_length(username) >= 3" }
  rls { enabled = true }
  lifecycle { prevent_destroy = true }
}

table "notes" {
  schema = local.schema
  column "id" { type = "int" }
  column "author" { type = "uuid" }
  primary_key = ["id"]
  foreign_key "notes_author_fkey" {
    columns    = ["author"]
    references = table.profiles
  }
}

policy "profiles_select_own" {
  table   = table.profiles
  command = "select"
  roles   = ["authenticated", "anon"]
  using   = "(select auth.uid()) = id"
}

policy "objects_read" {
  table = "storage.objects"
  using = "bucket_id = 'avatars'"
  as    = "restrictive"
}

grant "profiles_rw" {
  on         = table.profiles
  roles      = local.writers
  privileges = ["select", "insert", "update"]
}

grant "profiles_all" {
  on         = table.profiles
  roles      = ["service_role"]
  privileges = ["all"]
}

function "handle_new_user" {
  returns     = "trigger"
  language    = "plpgsql"
  security    = "definer"
  search_path = ""
  body        = <<-SQL
    begin
      insert into public.profiles (id) values (new.id);
      return new;
    end;
  SQL
}

function "add" {
  argument "a" { type = "int" }
  argument "b" {
    type    = "int"
    default = "1"
  }
  returns    = "int"
  volatility = "immutable"
  body       = "select a + b"
}

trigger "on_auth_user_created" {
  table    = "auth.users"
  timing   = "after"
  events   = ["insert"]
  function = function.handle_new_user
}

view "public_profiles" {
  query            = "select id, username from public.profiles"
  security_invoker = true
  depends_on       = [table.profiles]
}

secret "STRIPE_SECRET_KEY" { value = env("STRIPE_SECRET_KEY") }
secret "OTHER_KEY" { value = env("OTHER_KEY") }
"#;

#[test]
fn every_block_kind_lowers_into_the_model() {
    let c = load_str(std::path::Path::new("."), &[("main.hcl", APP)], &opts())
        .unwrap_or_else(|e| panic!("{}", e.summary()));
    let m = &c.model;
    assert_eq!(m.project.name.as_deref(), Some("postcards"));
    assert_eq!(m.project.schemas, vec!["public", "app"]);

    let prod = &m.environments["production"];
    assert!(prod.protected);
    assert_eq!(prod.state, StateBackend::Database);
    assert_eq!(prod.database_url, None);
    assert_eq!(prod.missing_env, vec!["PRODUCTION_DATABASE_URL"]);
    assert!(m.environments.contains_key("local"), "local is built in");

    let p = &m.tables[&QName::new("public", "profiles")];
    let cols: Vec<(&str, &str, bool)> = p
        .columns
        .iter()
        .map(|c| (c.name.as_str(), c.data_type.as_str(), c.nullable))
        .collect();
    assert_eq!(
        cols,
        vec![
            ("id", "uuid", false),
            ("username", "character varying(40)", true),
            ("theme", "text", false),
            ("created_at", "timestamp with time zone", false),
            ("status", "public.status", false),
            ("n", "bigint", false),
        ]
    );
    assert_eq!(
        p.column("theme").unwrap().default,
        Some(DefaultValue::Literal(Literal::String("light".into())))
    );
    assert_eq!(
        p.column("created_at").unwrap().default,
        Some(DefaultValue::Sql("now()".into()))
    );
    assert_eq!(
        p.column("status").unwrap().enum_type,
        Some(QName::new("public", "status"))
    );
    assert_eq!(p.column("n").unwrap().identity, Some(Identity::ByDefault));
    assert_eq!(
        p.primary_key,
        Some(PrimaryKey {
            name: Some("profiles_pkey".into()),
            columns: vec!["id".into()],
            deferrable: Deferrable::No,
        })
    );
    assert_eq!(p.foreign_keys[0].ref_table, QName::new("auth", "users"));
    assert_eq!(p.foreign_keys[0].ref_columns, vec!["id"]);
    assert_eq!(p.foreign_keys[0].on_delete, FkAction::Cascade);
    assert_eq!(p.indexes.len(), 2);
    assert_eq!(p.indexes[0].name, "profiles_lower_idx");
    assert_eq!(
        p.indexes[0].parts,
        vec![IndexPart::Expression("lower(username)".into())]
    );
    assert!(p.indexes[1].unique);
    assert_eq!(
        p.indexes[1].predicate.as_deref(),
        Some("username is not null")
    );
    assert!(p.rls.enabled && !p.rls.force);
    assert!(p.prevent_destroy);

    // A reference resolves through the schema override, and ref_columns default to the pk.
    let notes = &m.tables[&QName::new("app", "notes")];
    assert_eq!(notes.column("id").unwrap().data_type, "integer");
    assert_eq!(
        notes.foreign_keys[0].ref_table,
        QName::new("public", "profiles")
    );
    assert_eq!(notes.foreign_keys[0].ref_columns, vec!["id"]);

    let pol = &m.policies[&(
        QName::new("public", "profiles"),
        "profiles_select_own".into(),
    )];
    assert_eq!(pol.command, PolicyCommand::Select);
    assert_eq!(pol.roles, vec!["anon", "authenticated"]);
    assert!(pol.permissive);
    let storage = &m.policies[&(QName::new("storage", "objects"), "objects_read".into())];
    assert!(!storage.permissive);
    assert_eq!(storage.roles, vec!["public"]);

    let grants: Vec<(String, Vec<String>)> = m
        .grants
        .iter()
        .map(|g| (g.role.clone(), g.privileges.clone()))
        .collect();
    assert_eq!(
        grants,
        vec![
            (
                "authenticated".to_string(),
                vec!["INSERT".to_string(), "SELECT".into(), "UPDATE".into()]
            ),
            (
                "service_role".to_string(),
                [
                    "INSERT",
                    "SELECT",
                    "UPDATE",
                    "DELETE",
                    "TRUNCATE",
                    "REFERENCES",
                    "TRIGGER"
                ]
                .iter()
                .map(|s| s.to_string())
                .collect()
            ),
        ]
    );

    let f = &m.functions[&QName::new("public", "handle_new_user")];
    assert_eq!(f.security, Security::Definer);
    assert_eq!(f.search_path.as_deref(), Some(""));
    assert!(
        f.body.starts_with("begin\n  insert into public.profiles"),
        "heredoc dedented: {:?}",
        f.body
    );
    let add = &m.functions[&QName::new("public", "add")];
    assert_eq!(add.args.len(), 2);
    assert_eq!(add.args[1].default.as_deref(), Some("1"));
    assert_eq!(add.returns, "integer");

    let t = &m.triggers[&(QName::new("auth", "users"), "on_auth_user_created".into())];
    assert_eq!(t.function, QName::new("public", "handle_new_user"));
    assert_eq!(t.events, vec![TriggerEvent::Insert]);
    assert!(t.for_each_row);

    let v = &m.views[&QName::new("public", "public_profiles")];
    assert!(v.security_invoker);

    let s = &m.secrets["STRIPE_SECRET_KEY"];
    assert_eq!(
        s.value.as_ref().map(|v| v.expose().as_str()),
        Some("sk_test_123")
    );
    let other = &m.secrets["OTHER_KEY"];
    assert_eq!(other.value, None);
    assert_eq!(other.missing_env.as_deref(), Some("OTHER_KEY"));
    assert!(m.extensions.contains_key("pg_trgm"));
    assert!(m.schemas.contains_key("app"));
}

#[test]
fn the_graph_orders_dependencies_first_and_keeps_foreign_keys_apart() {
    let c = load_str(std::path::Path::new("."), &[("main.hcl", APP)], &opts())
        .unwrap_or_else(|e| panic!("{}", e.summary()));
    let order: Vec<String> = c
        .graph
        .creation_order()
        .expect("acyclic")
        .iter()
        .map(|a| a.to_string())
        .collect();
    let pos = |s: &str| {
        order
            .iter()
            .position(|x| x == s)
            .unwrap_or_else(|| panic!("{s} not in {order:?}"))
    };
    assert!(pos("enum.public.status") < pos("table.public.profiles"));
    assert!(pos("schema.app") < pos("table.app.notes"));
    assert!(pos("table.public.profiles") < pos("policy.public.profiles.profiles_select_own"));
    assert!(pos("table.public.profiles") < pos("grant.public.profiles.authenticated"));
    assert!(
        pos("function.public.handle_new_user") < pos("trigger.auth.users.on_auth_user_created")
    );
    assert!(pos("table.public.profiles") < pos("view.public.public_profiles"));
    let fk = pos("table.app.notes.foreign_key.notes_author_fkey");
    assert!(pos("table.app.notes") < fk && pos("table.public.profiles") < fk);
}

#[test]
fn tables_that_reference_each_other_are_not_a_cycle() {
    let src = r#"
table "a" {
  column "id" { type = "int" }
  column "b_id" {
    type = "int"
    null = true
  }
  primary_key = ["id"]
  foreign_key "a_b" {
    columns    = ["b_id"]
    references = table.b
  }
}
table "b" {
  column "id" { type = "int" }
  column "a_id" { type = "int" }
  primary_key = ["id"]
  foreign_key "b_a" {
    columns    = ["a_id"]
    references = table.a
  }
}
"#;
    let c = load_str(std::path::Path::new("."), &[("main.hcl", src)], &opts())
        .unwrap_or_else(|e| panic!("{}", e.summary()));
    let order = c
        .graph
        .creation_order()
        .expect("foreign keys form no cycle");
    let pos = |s: &str| order.iter().position(|x| x.to_string() == s).unwrap();
    assert!(pos("table.public.a") < pos("table.public.b.foreign_key.b_a"));
    assert!(pos("table.public.b") < pos("table.public.a.foreign_key.a_b"));
}

#[test]
fn a_cycle_names_every_member() {
    let src = r#"
view "a" {
  query      = "select 1"
  depends_on = [view.b]
}
view "b" {
  query      = "select 1"
  depends_on = [view.c]
}
view "c" {
  query      = "select 1"
  depends_on = [view.a]
}
view "d" { query = "select 1" }
"#;
    let e = load_str(std::path::Path::new("."), &[("main.hcl", src)], &opts()).unwrap_err();
    assert_eq!(e.len(), 1, "{}", e.summary());
    let d = &e.items[0];
    assert_eq!(d.code, "config::cycle");
    assert_eq!(
        d.message,
        "dependency cycle between view.public.a, view.public.b, view.public.c"
    );
    assert!(d
        .help
        .as_deref()
        .unwrap()
        .starts_with("view.public.a → view.public.b → view.public.c → view.public.a"));
}

#[test]
fn variables_come_from_defaults_then_var_files_then_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let vf = dir.path().join("prod.tfvars");
    std::fs::write(&vf, "theme = \"dark\"\nschema_name = \"public\"\n").unwrap();
    let src = r#"
variable "theme" { default = "light" }
variable "schema_name" {}
table "t" {
  schema = var.schema_name
  column "theme" {
    type    = "text"
    default = var.theme
  }
}
"#;
    let theme = |o: LoadOptions| {
        let c = load_str(std::path::Path::new("."), &[("main.hcl", src)], &o)
            .unwrap_or_else(|e| panic!("{}", e.summary()));
        match &c.model.tables[&QName::new("public", "t")].columns[0].default {
            Some(DefaultValue::Literal(Literal::String(s))) => s.clone(),
            other => panic!("{other:?}"),
        }
    };
    assert_eq!(
        theme(LoadOptions {
            var_files: vec![vf.clone()],
            ..opts()
        }),
        "dark"
    );
    assert_eq!(
        theme(LoadOptions {
            var_files: vec![vf.clone()],
            vars: vec![("theme".into(), "blue".into())],
            ..opts()
        }),
        "blue"
    );
    // Without the var file, schema_name has no value.
    let e = load_str(std::path::Path::new("."), &[("main.hcl", src)], &opts()).unwrap_err();
    assert_eq!(e.items[0].code, "config::missing_variable");
}

#[test]
fn secrets_and_urls_never_reach_debug_output() {
    let c = load_str(std::path::Path::new("."), &[("main.hcl", APP)], &opts()).unwrap();
    let dbg = format!("{:?}", c.model);
    assert!(!dbg.contains("sk_test_123"), "secret leaked into Debug");
    let json = serde_json::to_string(&c.model).unwrap();
    assert!(!json.contains("sk_test_123"), "secret leaked into JSON");
}

#[test]
fn a_written_model_loads_back_equal() {
    use supaform::config::write::write_model;
    let c = load_str(std::path::Path::new("."), &[("main.hcl", APP)], &opts())
        .unwrap_or_else(|e| panic!("{}", e.summary()));
    let mut model = c.model.clone();
    // What import cannot know: config-only settings.
    model.environments.clear();
    model.secrets.clear();
    model.edge_functions.clear();
    for t in model.tables.values_mut() {
        t.prevent_destroy = false;
    }
    let files = write_model(&model);
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    assert!(names.contains(&"table_public_profiles.hcl"), "{names:?}");
    assert!(names.contains(&"functions.hcl"), "{names:?}");
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    let back = load_str(std::path::Path::new("."), &refs, &opts()).unwrap_or_else(|e| {
        panic!(
            "{}\n\n{}",
            e.summary(),
            files
                .iter()
                .map(|(n, t)| format!("# {n}\n{t}"))
                .collect::<String>()
        )
    });
    let mut back = back.model;
    back.environments.clear();
    assert_eq!(back, model);
}

/// Without `project.schemas` every user schema is managed: a block may live in any schema
/// that is not the platform's, and the project's schemas are the ones the blocks use.
#[test]
fn without_a_schema_list_every_user_schema_is_managed() {
    let src = r#"
schema "app" {}
enum "status" {
  schema = "app"
  values = ["a"]
}
table "notes" {
  schema = "private"
  column "id" { type = "bigint" }
}
"#;
    let cfg = load_str(std::path::Path::new("."), &[("main.hcl", src)], &opts())
        .unwrap_or_else(|d| panic!("{d:?}"));
    let p = &cfg.model.project;
    assert!(!p.schemas_listed);
    assert_eq!(p.schemas, ["app", "private", "public"]);
    // A platform schema is still refused.
    let bad = "table \"t\" {\n  schema = \"auth\"\n  column \"id\" { type = \"bigint\" }\n}\n";
    let err = format!(
        "{:?}",
        load_str(std::path::Path::new("."), &[("main.hcl", bad)], &opts()).unwrap_err()
    );
    assert!(err.contains("platform schema"), "{err}");
}
