//! The real executable, driven the way a user drives it.

use std::path::Path;
use std::process::{Command, Output};

fn supaform(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_supaform"))
        .current_dir(dir)
        .args(args)
        .env("NO_COLOR", "1")
        .env_remove("STRIPE_SECRET_KEY")
        .output()
        .expect("run supaform")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

const VALID: &str = r#"
enum "status" { values = ["a", "b"] }
table "items" {
  column "id" { type = "uuid" }
  column "status" { type = enum.status }
  primary_key = ["id"]
  rls { enabled = true }
}
policy "items_read" {
  table = table.items
  command = "select"
  roles = ["anon"]
  using = "true"
}
secret "API_KEY" { value = env("API_KEY_FOR_TESTS_UNSET") }
"#;

#[test]
fn validate_succeeds_on_a_valid_config_without_secret_values() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("main.hcl"), VALID).unwrap();
    let out = supaform(d.path(), &["validate"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).starts_with("Success! The configuration is valid: 1 tables, 1 policies")
    );
}

#[test]
fn validate_reports_every_error_with_file_line_and_column_and_exits_1() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(
        d.path().join("a.hcl"),
        "table \"t\" {\n  column \"id\" { typ = \"uuid\" }\n}\n",
    )
    .unwrap();
    std::fs::write(
        d.path().join("b.hcl"),
        "policy \"p\" {\n  table = table.missing\n  using = \"true\"\n}\n",
    )
    .unwrap();
    let out = supaform(d.path(), &["validate"]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("a.hcl:2:17"), "{err}");
    assert!(
        err.contains("column \"id\" has no attribute `typ`"),
        "{err}"
    );
    assert!(err.contains("did you mean `type`?"), "{err}");
    assert!(err.contains("b.hcl:2:11"), "{err}");
    assert!(err.contains("supaform::config::unknown_reference"), "{err}");
    assert!(
        !err.contains("\u{1b}["),
        "no colour without a terminal: {err}"
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn a_missing_config_directory_is_a_clear_error() {
    let d = tempfile::tempdir().unwrap();
    let out = supaform(d.path(), &["-c", "nowhere", "validate"]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("cannot read the config directory nowhere"),
        "{err}"
    );
}

#[test]
fn graph_prints_dot_and_mermaid_with_dependency_edges() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("main.hcl"), VALID).unwrap();
    let out = supaform(d.path(), &["graph"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let dot = text(&out.stdout);
    assert!(dot.starts_with("digraph supaform {"), "{dot}");
    assert!(
        dot.contains("\"table.public.items\" -> \"enum.public.status\";"),
        "{dot}"
    );
    assert!(
        dot.contains("\"policy.public.items.items_read\" -> \"table.public.items\";"),
        "{dot}"
    );

    let out = supaform(d.path(), &["graph", "--format", "mermaid"]);
    let mm = text(&out.stdout);
    assert!(mm.starts_with("flowchart RL\n"), "{mm}");
    assert!(mm.contains("[\"table.public.items\"]"), "{mm}");
    assert!(mm.contains(" --> "), "{mm}");
}

#[test]
fn init_scaffolds_a_project_that_validates_and_never_overwrites() {
    let d = tempfile::tempdir().unwrap();
    let out = supaform(d.path(), &["init", "infra"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let infra = d.path().join("infra");
    assert!(infra.join("supaform.hcl").is_file());
    assert!(infra.join(".gitignore").is_file());
    assert!(infra.join("state").is_dir());
    let out = supaform(&infra, &["validate"]);
    assert!(out.status.success(), "{}", text(&out.stderr));

    std::fs::write(infra.join("supaform.hcl"), "# mine\n").unwrap();
    let out = supaform(d.path(), &["init", "infra"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("already exists"));
    assert_eq!(
        std::fs::read_to_string(infra.join("supaform.hcl")).unwrap(),
        "# mine\n"
    );
}

#[test]
fn var_flags_reach_the_configuration() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(
        d.path().join("main.hcl"),
        "variable \"schema_name\" {}\ntable \"t\" {\n  schema = var.schema_name\n  column \"id\" { type = \"int\" }\n}\n",
    )
    .unwrap();
    let out = supaform(d.path(), &["validate"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("variable \"schema_name\" has no value"));
    let out = supaform(d.path(), &["--var", "schema_name=public", "validate"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = supaform(d.path(), &["--var", "nope=1", "validate"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("no variable named `nope` is declared"));
}

#[test]
fn the_example_validates_and_graphs_through_the_binary() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = supaform(root, &["-c", "examples/postcards", "validate"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout).trim(),
        "Success! The configuration is valid: 4 tables, 9 policies, 2 functions, 2 Edge Functions in 7 files."
    );
    let out = supaform(root, &["-c", "examples/postcards", "graph"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains(
        "\"trigger.auth.users.on_auth_user_created\" -> \"function.public.handle_new_user\";"
    ));
}

#[test]
fn the_example_is_formatted() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = supaform(root, &["-c", "examples/postcards", "fmt", "--check"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
}

/// A usage error exits 1, never clap's 2, which `--detailed-exitcode` and `drift` use for
/// "changes present"; help and version exit 0.
#[test]
fn usage_errors_exit_1_and_help_and_version_exit_0() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("main.hcl"), VALID).unwrap();
    let cases: &[&[&str]] = &[
        &["plan", "--detailed-exitcod"],
        &["plan", "--detailed-exitcode", "--json", "--sql"],
        &["diff", "--from", "a", "--detailed-exitcode"],
        &[
            "diff",
            "--from",
            "a",
            "--to",
            "b",
            "--detailed-exitcode",
            "--nope",
        ],
        &["drift", "--format", "yaml"],
        &["drift", "--json", "--format", "human"],
        &["apply", "--auto-aprove"],
        &["fmt", "--check", "--nope"],
        &["nosuchcommand"],
        &[],
    ];
    for args in cases {
        let out = supaform(d.path(), args);
        assert_eq!(
            out.status.code(),
            Some(1),
            "supaform {args:?}: {}",
            text(&out.stderr)
        );
        assert!(!text(&out.stderr).is_empty(), "supaform {args:?} says why");
    }
    for args in [
        &["--help"][..],
        &["--version"],
        &["plan", "--help"],
        &["diff", "-h"],
        &["drift", "--help"],
        &["help", "apply"],
    ] {
        let out = supaform(d.path(), args);
        assert_eq!(out.status.code(), Some(0), "supaform {args:?}");
        assert!(!text(&out.stdout).is_empty(), "supaform {args:?} prints");
    }
}

fn help(args: &[&str]) -> String {
    let d = tempfile::tempdir().unwrap();
    let mut all = args.to_vec();
    all.push("--help");
    let out = supaform(d.path(), &all);
    assert!(out.status.success(), "{all:?}");
    text(&out.stdout)
}

/// One name per idea, the other spellings accepted as aliases; global options under their
/// own heading; `--dev-url` only where it is used.
#[test]
fn one_flag_name_per_idea_with_aliases() {
    for cmd in [&["apply"][..], &["state", "list"]] {
        let h = help(cmd);
        assert!(h.contains("--lock-timeout <SECONDS>"), "{cmd:?}: {h}");
        assert!(
            !h.contains("--lock-wait <"),
            "{cmd:?}: the alias is not listed as a flag: {h}"
        );
    }
    for cmd in ["apply", "restore"] {
        let h = help(&[cmd]);
        assert!(h.contains("-y, --auto-approve"), "{cmd}: {h}");
    }
    assert!(help(&["drift"]).contains("--json"));
    for cmd in ["plan", "apply", "drift"] {
        let h = help(&[cmd]);
        assert!(h.contains("--dev-url <URL>"), "{cmd}: {h}");
        assert!(h.contains("Global options:"), "{cmd}: {h}");
    }
    for cmd in [
        "fmt", "graph", "init", "validate", "import", "state", "backup",
    ] {
        let h = help(&[cmd]);
        assert!(!h.contains("--dev-url"), "{cmd}: {h}");
        assert!(
            h.contains("Global options:\n  -c, --config <DIR>"),
            "{cmd}: {h}"
        );
    }

    // The old spellings still parse: these fail later, on the missing configuration, not
    // as usage errors.
    let d = tempfile::tempdir().unwrap();
    let missing = d.path().join("missing");
    let missing = missing.to_str().unwrap();
    for args in [
        &["-c", missing, "apply", "--lock-wait", "1", "--yes"][..],
        &["-c", missing, "apply", "--lock-timeout", "1", "-y"],
        &["-c", missing, "drift", "--json"],
        &["-c", missing, "restore", "bk", "--yes"],
        &["-c", missing, "restore", "bk", "--auto-approve"],
    ] {
        let out = supaform(d.path(), args);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert!(
            !err.contains("unexpected argument") && !err.contains("Usage:"),
            "{args:?} is not a usage error: {err}"
        );
    }
}
