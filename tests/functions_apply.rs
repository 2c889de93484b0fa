//! Edge Functions and secrets through `supaform plan` / `apply`, against the fake
//! Management API (every request and response checked against the OpenAPI document) and a
//! real database of the test cluster.

mod common;
mod fake_api;

use fake_api::{FakeApi, PROJECT_REF, TOKEN};
use std::path::Path;
use std::process::{Command, Output};

fn supaform(dir: &Path, fake: &FakeApi, args: &[&str], secret: Option<&str>) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_supaform"));
    c.current_dir(dir)
        .args(args)
        .env("NO_COLOR", "1")
        .env("SUPAFORM_CACHE_DIR", common::cache_dir())
        .env("SUPABASE_API_URL", &fake.base_url)
        .env("SUPABASE_ACCESS_TOKEN", TOKEN);
    match secret {
        Some(v) => c.env("PAY_KEY", v),
        None => c.env_remove("PAY_KEY"),
    };
    c.output().expect("run supaform")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn write(dir: &Path, rel: &str, body: &str) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, body).unwrap();
}

const FUNCS: &str = r#"
secret "PAY_KEY" { value = env("PAY_KEY") }
edge_function "pay" {
  source     = "functions/pay"
  depends_on = [secret.PAY_KEY]
}
edge_function "hello" {
  source     = "functions/hello"
  verify_jwt = true
}
"#;

async fn project(tag: &str) -> tempfile::TempDir {
    common::server();
    let url = common::fresh_db(tag).await;
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        "env.hcl",
        &format!("environment \"prod\" {{\n  database_url = \"{url}\"\n  project_ref  = \"{PROJECT_REF}\"\n}}\n"),
    );
    write(d.path(), "main.hcl", FUNCS);
    write(
        d.path(),
        "functions/pay/index.ts",
        "Deno.serve(() => new Response(Deno.env.get('PAY_KEY') ? 'ok' : 'no key'));\n",
    );
    write(
        d.path(),
        "functions/hello/index.ts",
        "Deno.serve(() => new Response('hello'));\n",
    );
    d
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn functions_and_secrets_deploy_update_and_converge() {
    let fake = FakeApi::start().await;
    let d = project("fn_lifecycle").await;
    let out = supaform(
        d.path(),
        &fake,
        &["apply", "-e", "prod", "--auto-approve"],
        Some("sk_live_1"),
    );
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(fake.function_slugs(), ["hello", "pay"]);
    assert_eq!(fake.secret_value("PAY_KEY").as_deref(), Some("sk_live_1"));
    let f = fake.function("pay").unwrap();
    assert!(
        f.files.iter().any(|(p, _)| p.ends_with("index.ts")),
        "{:?}",
        f.files.iter().map(|x| &x.0).collect::<Vec<_>>()
    );
    // At most two requests per function on the happy path.
    let deploys = fake
        .requests()
        .iter()
        .filter(|r| r.path.contains("/functions/deploy"))
        .count();
    assert_eq!(deploys, 2);

    // Nothing changed: nothing to do.
    let out = supaform(
        d.path(),
        &fake,
        &["plan", "-e", "prod", "--detailed-exitcode"],
        Some("sk_live_1"),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));

    // A source change is a new version; a rotated secret is set again.
    write(
        d.path(),
        "functions/pay/index.ts",
        "Deno.serve(() => new Response('v2'));\n",
    );
    let out = supaform(d.path(), &fake, &["plan", "-e", "prod"], Some("sk_live_2"));
    let plan = text(&out);
    assert!(plan.contains("  ~ edge_function.pay [safe]"), "{plan}");
    assert!(plan.contains("  ~ secret.PAY_KEY [safe]"), "{plan}");
    assert!(!plan.contains("edge_function.hello"), "{plan}");
    let out = supaform(
        d.path(),
        &fake,
        &["apply", "-e", "prod", "--auto-approve"],
        Some("sk_live_2"),
    );
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(fake.function("pay").unwrap().version, 2);
    assert_eq!(fake.secret_value("PAY_KEY").as_deref(), Some("sk_live_2"));

    // verify_jwt off: caution C107.
    write(
        d.path(),
        "main.hcl",
        &FUNCS.replace("verify_jwt = true", "verify_jwt = false"),
    );
    let out = supaform(d.path(), &fake, &["plan", "-e", "prod"], Some("sk_live_2"));
    let plan = text(&out);
    assert!(plan.contains("  ~ edge_function.hello [caution]"), "{plan}");
    assert!(plan.contains("C107 verify_jwt true → false"), "{plan}");
    let out = supaform(
        d.path(),
        &fake,
        &["apply", "-e", "prod", "--auto-approve"],
        Some("sk_live_2"),
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(!fake.function("hello").unwrap().verify_jwt);

    // The token never appears in anything supaform printed.
    assert!(!text(&out).contains(TOKEN));
    assert!(fake.take_violations().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deleting_a_function_or_a_used_secret_is_dangerous() {
    let fake = FakeApi::start().await;
    let d = project("fn_delete").await;
    let out = supaform(
        d.path(),
        &fake,
        &["apply", "-e", "prod", "--auto-approve"],
        Some("k"),
    );
    assert!(out.status.success(), "{}", text(&out));
    write(
        d.path(),
        "main.hcl",
        "secret \"PAY_KEY\" { value = env(\"PAY_KEY\") }\n",
    );
    let out = supaform(d.path(), &fake, &["plan", "-e", "prod"], Some("k"));
    let plan = text(&out);
    assert!(
        plan.contains("  - edge_function.hello [dangerous]"),
        "{plan}"
    );
    assert!(
        plan.contains("D205 requests to /functions/v1/hello fail"),
        "{plan}"
    );
    let out = supaform(
        d.path(),
        &fake,
        &["apply", "-e", "prod", "--auto-approve"],
        Some("k"),
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let out = supaform(
        d.path(),
        &fake,
        &["apply", "-e", "prod", "--auto-approve", "--allow-dangerous"],
        Some("k"),
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(fake.function_slugs().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_out_of_band_deploy_is_redeployed_and_a_partial_failure_finishes_next_time() {
    let fake = FakeApi::start().await;
    let d = project("fn_partial").await;
    fake.fail_deploy_number(2);
    let out = supaform(
        d.path(),
        &fake,
        &["apply", "-e", "prod", "--auto-approve"],
        Some("k"),
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("did not deploy"), "{}", text(&out));
    let deployed = fake.function_slugs();
    assert_eq!(deployed.len(), 1, "{deployed:?}");
    // The state records exactly what was deployed: the next apply deploys only the rest.
    fake.heal();
    fake.clear_log();
    let out = supaform(
        d.path(),
        &fake,
        &["apply", "-e", "prod", "--auto-approve"],
        Some("k"),
    );
    assert!(out.status.success(), "{}", text(&out));
    let deploys: Vec<String> = fake
        .requests()
        .iter()
        .filter(|r| r.path.contains("/functions/deploy"))
        .map(|r| r.query.clone().unwrap_or_default())
        .collect();
    assert_eq!(deploys.len(), 1, "{deploys:?}");
    assert!(!deploys[0].contains(&deployed[0]), "{deploys:?}");

    // Someone deploys `hello` by hand: the plan puts the config's version back.
    fake.deploy_out_of_band("hello", vec![("index.ts".into(), b"hacked".to_vec())]);
    let out = supaform(d.path(), &fake, &["plan", "-e", "prod"], Some("k"));
    assert!(
        text(&out).contains("  ~ edge_function.hello [safe]"),
        "{}",
        text(&out)
    );
}

/// A secret whose value is not available where apply runs is not set, so the state does
/// not claim it: `drift` right after reports nothing (it used to call the secret
/// "deleted outside supaform", dangerous). Once an apply sets it, it is recorded.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_secret_never_set_is_not_recorded_nor_reported_as_deleted() {
    let fake = FakeApi::start().await;
    let d = project("fn_secret_unset").await;
    apply_ok(d.path(), &fake, None);
    assert!(!recorded(d.path(), "secret.PAY_KEY"));
    let out = supaform(d.path(), &fake, &["drift", "-e", "prod"], None);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));

    apply_ok(d.path(), &fake, Some("k1"));
    assert!(recorded(d.path(), "secret.PAY_KEY"));
    // Without the value here, a secret set earlier stays recorded and is still checked.
    apply_ok(d.path(), &fake, None);
    assert!(recorded(d.path(), "secret.PAY_KEY"));
}

/// `apply -e prod --auto-approve` (with `PAY_KEY` set to `secret`), which must succeed.
fn apply_ok(dir: &Path, fake: &FakeApi, secret: Option<&str>) {
    let out = supaform(
        dir,
        fake,
        &["apply", "-e", "prod", "--auto-approve"],
        secret,
    );
    assert!(out.status.success(), "{}", text(&out));
}

/// Whether the state of `prod` holds a resource at `addr`.
fn recorded(dir: &Path, addr: &str) -> bool {
    let text = std::fs::read_to_string(dir.join("state/prod.json")).unwrap();
    let state: serde_json::Value = serde_json::from_str(&text).unwrap();
    state["resources"].get(addr).is_some()
}
