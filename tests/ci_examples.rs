//! The GitHub Actions workflows in `examples/ci/` parse as YAML, have the jobs the README
//! describes, and use only flags the binary really has.

use std::path::Path;
use std::process::Command;

fn examples() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/ci")
}

/// The workflow as JSON, parsed by PyYAML (`pip install pyyaml`).
fn parse(file: &str) -> serde_json::Value {
    let path = examples().join(file);
    let out = Command::new("python3")
        .args([
            "-c",
            "import sys, json, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))",
        ])
        .arg(&path)
        .output()
        .expect("python3 is needed to validate the workflows");
    assert!(
        out.status.success(),
        "{file} does not parse (is PyYAML installed?): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn runs(w: &serde_json::Value) -> String {
    let mut all = String::new();
    for job in w["jobs"].as_object().unwrap().values() {
        for step in job["steps"].as_array().unwrap() {
            for k in ["run", "with"] {
                if let Some(v) = step.get(k) {
                    all.push_str(&v.to_string());
                    all.push('\n');
                }
            }
        }
    }
    all
}

fn help(cmd: &str) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_supaform"))
        .args([cmd, "--help"])
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn the_workflows_parse_and_use_real_flags() {
    let plan = parse("plan.yml");
    // PyYAML reads the `on:` key as the boolean true.
    assert!(plan["true"]["pull_request"].is_object(), "{plan}");
    let r = runs(&plan);
    assert!(r.contains("supaform plan -e"), "{r}");
    assert!(r.contains("--format markdown"), "{r}");
    assert!(r.contains("createComment"), "{r}");

    let apply = parse("apply.yml");
    assert_eq!(apply["true"]["push"]["branches"][0], "main");
    let jobs = apply["jobs"].as_object().unwrap();
    assert_eq!(jobs["production"]["needs"][1], "staging");
    let r = runs(&apply);
    assert!(r.contains("allow-dangerous"), "{r}");
    assert!(r.contains("--out staging.plan.json"), "{r}");
    assert!(r.contains("supaform apply production.plan.json"), "{r}");

    let drift = parse("drift.yml");
    assert!(drift["true"]["schedule"][0]["cron"].is_string());
    let r = runs(&drift);
    assert!(
        r.contains("supaform drift -e production --format markdown"),
        "{r}"
    );
    assert!(r.contains("exit \\\"$code\\\""), "{r}");

    let (p, a, d) = (help("plan"), help("apply"), help("drift"));
    for flag in ["--detailed-exitcode", "--out", "--env"] {
        assert!(p.contains(flag), "plan has no {flag}");
    }
    for flag in ["--auto-approve", "--allow-dangerous", "--refresh-only"] {
        assert!(a.contains(flag), "apply has no {flag}");
    }
    assert!(d.contains("--format"), "{d}");
}
