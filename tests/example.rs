//! `examples/postcards`: the realistic app every later feature is exercised on.

mod common;

use std::path::Path;
use std::process::{Command, Output};
use supaform::config::{load, LoadOptions};
use supaform::model::*;

fn example() -> supaform::config::Config {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/postcards");
    let opts = LoadOptions {
        env: Box::new(|_| None),
        ..Default::default()
    };
    match load(&dir, &opts) {
        Ok(c) => c,
        Err(d) => panic!("examples/postcards does not load:\n{d:?}"),
    }
}

fn q(name: &str) -> QName {
    QName::new("public", name)
}

#[test]
fn the_example_declares_the_app_the_readme_describes() {
    let c = example();
    let m = &c.model;
    let tables: Vec<&str> = m.tables.keys().map(|k| k.name.as_str()).collect();
    assert_eq!(
        tables,
        ["payments", "postcards", "profiles", "user_preferences"]
    );
    // profiles is linked to auth.users and cascades with it.
    let profiles = &m.tables[&q("profiles")];
    let fk = &profiles.foreign_keys[0];
    assert_eq!(fk.ref_table, QName::new("auth", "users"));
    assert_eq!(fk.on_delete, FkAction::Cascade);
    // user_preferences.theme defaults to the literal 'light' (from a variable).
    let theme = m.tables[&q("user_preferences")].column("theme").unwrap();
    assert_eq!(
        theme.default,
        Some(DefaultValue::Literal(Literal::String("light".into())))
    );
    // postcards.status is the status enum.
    let status = m.tables[&q("postcards")].column("status").unwrap();
    assert_eq!(status.enum_type, Some(q("postcard_status")));
    assert_eq!(
        m.enums[&q("postcard_status")].values,
        ["draft", "paid", "sent"]
    );
    // Every table has RLS on and at least one policy.
    for t in m.tables.values() {
        assert!(t.rls.enabled, "{} has RLS off", t.name);
        assert!(
            m.policies.keys().any(|(table, _)| table == &t.name),
            "{} has no policy",
            t.name
        );
    }
    // Published postcards are readable by anon.
    let published = &m.policies[&(q("postcards"), "postcards_select_published".into())];
    assert!(published.roles.contains(&"anon".to_string()));
    assert_eq!(published.command, PolicyCommand::Select);
    // The sign-up trigger on auth.users runs the security definer function.
    let trig = &m.triggers[&(QName::new("auth", "users"), "on_auth_user_created".into())];
    assert_eq!(trig.function, q("handle_new_user"));
    assert_eq!(
        m.functions[&q("handle_new_user")].security,
        Security::Definer
    );
    assert_eq!(
        m.functions[&q("handle_new_user")].search_path.as_deref(),
        Some("")
    );
    // Two Edge Functions with real sources, one secret they depend on.
    assert_eq!(
        m.edge_functions.keys().collect::<Vec<_>>(),
        ["create-payment", "postcard-draft"]
    );
    for f in m.edge_functions.values() {
        let entry = c.dir.join(&f.source).join(&f.entrypoint);
        let src = std::fs::read_to_string(&entry).unwrap();
        assert!(src.contains("Deno.serve("), "{}", entry.display());
    }
    assert_eq!(
        m.edge_functions["create-payment"].secrets,
        ["STRIPE_SECRET_KEY"]
    );
    assert!(m.secrets.contains_key("STRIPE_SECRET_KEY"));
}

#[test]
fn the_example_graph_orders_tables_before_what_uses_them() {
    let c = example();
    let order = c.graph.creation_order().expect("no cycle");
    let pos = |a: &str| {
        order
            .iter()
            .position(|x| x.to_string() == a)
            .unwrap_or_else(|| panic!("{a} not in graph"))
    };
    assert!(pos("enum.public.postcard_status") < pos("table.public.postcards"));
    assert!(pos("table.public.postcards") < pos("policy.public.postcards.postcards_select_own"));
    assert!(pos("table.public.postcards") < pos("view.public.published_postcards"));
    assert!(
        pos("function.public.handle_new_user") < pos("trigger.auth.users.on_auth_user_created")
    );
    assert!(pos("secret.STRIPE_SECRET_KEY") < pos("edge_function.create-payment"));
    assert!(
        pos("table.public.profiles")
            < pos("table.public.postcards.foreign_key.postcards_owner_id_fkey")
    );
}

fn supaform(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_supaform"))
        .current_dir(dir)
        .args(args)
        .env("NO_COLOR", "1")
        .env("SUPAFORM_CACHE_DIR", common::cache_dir())
        .env_remove("STRIPE_SECRET_KEY")
        .output()
        .expect("run supaform")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// `cp -r examples/postcards my-app`, as a newcomer does it (links copied as links).
fn copy_example(to: &Path) {
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/postcards");
    let out = Command::new("cp")
        .arg("-r")
        .arg(&from)
        .arg(to)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
}

/// The README's main job, run from a copy of the example: the copy is self-contained (its
/// state folder is created on the first apply), the first plan destroys nothing (the
/// narrowing of what Supabase's default privileges give the new tables is a change), and
/// a second plan is empty.
#[test]
fn a_copy_of_the_example_runs_the_main_job() {
    common::server();
    let d = tempfile::tempdir().unwrap();
    let app = d.path().join("my-app");
    copy_example(&app);
    let app_s = app.to_str().unwrap();
    let state = app.join("state");
    assert!(
        !state.is_symlink(),
        "the example ships no state link, so a copy is self-contained"
    );
    // A checkout where the main job already ran has a state folder of its own (not
    // committed); the newcomer's copy starts from what git ships.
    let _ = std::fs::remove_dir_all(&state);
    // A fresh local database: only this test changes it in the test cluster.
    let out = supaform(d.path(), &["local", "reset"]);
    assert!(out.status.success(), "{}", text(&out));

    let out = supaform(d.path(), &["-c", app_s, "plan"]);
    let plan = text(&out);
    assert!(out.status.success(), "{plan}");
    assert!(plan.contains("to change, 0 to destroy)."), "{plan}");
    assert!(
        plan.contains("  ~ grant.public.payments.authenticated [safe]"),
        "{plan}"
    );
    assert!(
        plan.contains(
            "narrow the default privileges of authenticated on the new public.payments: \u{2212}INSERT \u{2212}UPDATE"
        ),
        "{plan}"
    );
    assert!(!plan.contains("  - grant."), "{plan}");

    let out = supaform(d.path(), &["-c", app_s, "apply", "--auto-approve"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        state.is_dir() && !state.is_symlink(),
        "a real state folder beside the configuration"
    );
    assert!(state.join("local.json").is_file());
    let out = supaform(d.path(), &["-c", app_s, "plan", "--detailed-exitcode"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains("No changes."), "{}", text(&out));
}

/// A state link that points nowhere (an old copy of the example) is named as such.
#[test]
fn a_dangling_state_link_is_a_clear_error() {
    let d = tempfile::tempdir().unwrap();
    let app = d.path().join("my-app");
    copy_example(&app);
    let _ = std::fs::remove_dir_all(app.join("state"));
    std::os::unix::fs::symlink("../../state", app.join("state")).unwrap();
    // `state rm` locks the state (creating its folder) without needing a database.
    let out = supaform(
        d.path(),
        &["-c", app.to_str().unwrap(), "state", "rm", "table.public.x"],
    );
    let err = text(&out);
    let flat = err
        .split_whitespace()
        .filter(|w| *w != "|")
        .collect::<Vec<_>>()
        .join(" ");
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        flat.contains("is a symbolic link to ../../state, which does not exist"),
        "{err}"
    );
    assert!(err.contains("supaform::state::dangling_link"), "{err}");
    assert!(!err.contains("File exists"), "{err}");
}
