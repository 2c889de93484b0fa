//! `supaform fmt`, driven through the real executable.

use std::path::Path;
use std::process::{Command, Output};

fn supaform(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_supaform"))
        .current_dir(dir)
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run supaform")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap()
}

const MESSY: &str = "table \"items\" {\n    column \"id\" {type=\"uuid\"}\n  primary_key=[ \"id\" ]\n  rls {enabled=true}   # on\n}\npolicy \"items_read\" {\ntable = table.items\n  command = \"select\"\n  roles = [\"anon\"]\n  using=\"true\"\n}\n";

const FORMATTED: &str = "table \"items\" {\n  column \"id\" { type = \"uuid\" }\n  primary_key = [\"id\"]\n  rls { enabled = true } # on\n}\npolicy \"items_read\" {\n  table   = table.items\n  command = \"select\"\n  roles   = [\"anon\"]\n  using   = \"true\"\n}\n";

#[test]
fn fmt_rewrites_files_in_place_and_lists_them() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("main.hcl"), MESSY).unwrap();
    std::fs::write(d.path().join("ok.hcl"), "enum \"s\" { values = [\"a\"] }\n").unwrap();
    std::fs::write(d.path().join("notes.txt"), "a=1").unwrap();
    let out = supaform(d.path(), &["fmt"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "main.hcl\n");
    assert_eq!(read(d.path(), "main.hcl"), FORMATTED);
    assert_eq!(
        read(d.path(), "notes.txt"),
        "a=1",
        "only *.hcl files are touched"
    );
    // No temporary file is left behind.
    let names: Vec<String> = std::fs::read_dir(d.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    assert_eq!(names.len(), 3, "{names:?}");
    // The result still validates.
    let out = supaform(d.path(), &["validate"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
}

#[test]
fn fmt_takes_the_config_directory_from_dash_c() {
    let d = tempfile::tempdir().unwrap();
    let cfg = d.path().join("infra");
    std::fs::create_dir(&cfg).unwrap();
    std::fs::write(cfg.join("main.hcl"), MESSY).unwrap();
    let out = supaform(d.path(), &["fmt", "-c", "infra"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "infra/main.hcl\n");
    assert_eq!(read(&cfg, "main.hcl"), FORMATTED);
}

#[test]
fn check_exits_3_lists_the_file_and_leaves_it_untouched() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("main.hcl"), MESSY).unwrap();
    std::fs::write(d.path().join("ok.hcl"), FORMATTED.replace("items", "other")).unwrap();
    let out = supaform(d.path(), &["fmt", "--check"]);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "main.hcl\n");
    assert_eq!(read(d.path(), "main.hcl"), MESSY);
}

#[test]
fn diff_prints_a_unified_diff_and_still_writes() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("main.hcl"), MESSY).unwrap();
    let out = supaform(d.path(), &["fmt", "--diff"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.starts_with("main.hcl\n--- old/main.hcl\n+++ new/main.hcl\n@@ -1,11 +1,11 @@\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("\n-    column \"id\" {type=\"uuid\"}\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("\n+  column \"id\" { type = \"uuid\" }\n"),
        "{stdout}"
    );
    // An unchanged line is context.
    assert!(stdout.contains("\n   command = \"select\"\n"), "{stdout}");
    assert_eq!(read(d.path(), "main.hcl"), FORMATTED);
}

#[test]
fn check_with_diff_prints_the_diff_writes_nothing_and_exits_3() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("main.hcl"), MESSY).unwrap();
    let out = supaform(d.path(), &["fmt", "--check", "--diff"]);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("+++ new/main.hcl"), "{stdout}");
    assert!(stdout.contains("+  roles   = [\"anon\"]"), "{stdout}");
    assert_eq!(read(d.path(), "main.hcl"), MESSY);
}

#[test]
fn a_file_with_a_syntax_error_is_reported_and_untouched_and_the_others_are_formatted() {
    let d = tempfile::tempdir().unwrap();
    let broken = "table \"t\" {\n  column \"id\" {   type = }\n}\n";
    std::fs::write(d.path().join("a_broken.hcl"), broken).unwrap();
    std::fs::write(d.path().join("b_main.hcl"), MESSY).unwrap();
    let out = supaform(d.path(), &["fmt"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("supaform::config::syntax"), "{stderr}");
    assert!(stderr.contains("a_broken.hcl:2:26"), "{stderr}");
    assert_eq!(read(d.path(), "a_broken.hcl"), broken);
    assert_eq!(read(d.path(), "b_main.hcl"), FORMATTED);
    assert_eq!(text(&out.stdout), "b_main.hcl\n");
    // --check: the error wins over "would change".
    std::fs::write(d.path().join("b_main.hcl"), MESSY).unwrap();
    let out = supaform(d.path(), &["fmt", "--check"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(read(d.path(), "b_main.hcl"), MESSY);
}

#[test]
fn already_formatted_files_give_exit_0_and_no_output() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("main.hcl"), FORMATTED).unwrap();
    for args in [&["fmt"][..], &["fmt", "--check"], &["fmt", "--diff"]] {
        let out = supaform(d.path(), args);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?}: {}",
            text(&out.stderr)
        );
        assert_eq!(text(&out.stdout), "", "{args:?}");
        assert_eq!(text(&out.stderr), "", "{args:?}");
    }
    assert_eq!(read(d.path(), "main.hcl"), FORMATTED);
}

#[test]
fn init_output_is_already_formatted() {
    let d = tempfile::tempdir().unwrap();
    let out = supaform(d.path(), &["init"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = supaform(d.path(), &["fmt", "--check"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
}

#[cfg(unix)]
#[test]
fn rewriting_keeps_permissions_and_symlinks() {
    use std::os::unix::fs::PermissionsExt;
    let d = tempfile::tempdir().unwrap();
    let real = d.path().join("real");
    std::fs::create_dir(&real).unwrap();
    std::fs::write(real.join("shared.hcl"), MESSY).unwrap();
    std::fs::set_permissions(
        real.join("shared.hcl"),
        std::fs::Permissions::from_mode(0o640),
    )
    .unwrap();
    let cfg = d.path().join("cfg");
    std::fs::create_dir(&cfg).unwrap();
    std::os::unix::fs::symlink(real.join("shared.hcl"), cfg.join("main.hcl")).unwrap();
    let out = supaform(&cfg, &["fmt"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        std::fs::symlink_metadata(cfg.join("main.hcl"))
            .unwrap()
            .file_type()
            .is_symlink(),
        "the symlink was replaced by a file"
    );
    assert_eq!(read(&real, "shared.hcl"), FORMATTED);
    let mode = std::fs::metadata(real.join("shared.hcl"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o640);
}

#[cfg(unix)]
#[test]
fn a_read_only_file_is_reported_not_replaced() {
    use std::os::unix::fs::PermissionsExt;
    let d = tempfile::tempdir().unwrap();
    let f = d.path().join("main.hcl");
    std::fs::write(&f, MESSY).unwrap();
    std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o444)).unwrap();
    let out = supaform(d.path(), &["fmt"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("supaform::fmt::write"), "{stderr}");
    assert!(stderr.contains("read-only"), "{stderr}");
    assert_eq!(read(d.path(), "main.hcl"), MESSY);
}
