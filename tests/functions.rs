//! Edge Functions and secrets against the fake Management API (which validates every
//! request and response against the official OpenAPI document) and the directory target.

mod fake_api;

use fake_api::{FakeApi, PROJECT_REF, TOKEN};
use miette::Diagnostic;
use std::path::{Path, PathBuf};
use std::time::Duration;
use supaform::functions::{
    bundle_files, secret_digest, source_hash, ApiClient, DirectoryTarget, FunctionsError,
    RetryPolicy, Target,
};
use supaform::model::{EdgeFunction, Sensitive};

fn fast() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 4,
        base_delay: Duration::from_millis(20),
        max_delay: Duration::from_millis(200),
        request_timeout: Duration::from_secs(5),
        max_server_wait: Duration::from_secs(5),
    }
}

fn target(fake: &FakeApi) -> Target {
    Target::Api(fake.client().with_retry(fast()))
}

fn postcards() -> (PathBuf, supaform::model::Model) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/postcards");
    let cfg = supaform::config::load(&dir, &Default::default())
        .unwrap_or_else(|d| panic!("postcards does not load: {d:?}"));
    (dir, cfg.model)
}

fn function(slug: &str, source: &str) -> EdgeFunction {
    EdgeFunction {
        slug: slug.into(),
        name: slug.into(),
        source: source.into(),
        entrypoint: "index.ts".into(),
        verify_jwt: true,
        import_map: None,
        static_files: vec![],
        secrets: vec![],
    }
}

fn write(root: &Path, rel: &str, content: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, content).unwrap();
}

/// Asserts the access token appears in no error text, Display or Debug.
fn assert_no_token(e: &FunctionsError) {
    for text in [
        e.to_string(),
        format!("{e:?}"),
        e.help().map(|h| h.to_string()).unwrap_or_default(),
    ] {
        assert!(!text.contains(TOKEN), "the token leaked: {text}");
    }
}

#[tokio::test]
async fn deploy_sends_every_file_and_the_metadata_of_the_postcards_functions() {
    let fake = FakeApi::start().await;
    let t = target(&fake);
    let (dir, model) = postcards();
    let f = &model.edge_functions["create-payment"];

    let r = t.deploy(&dir, f).await.unwrap();
    assert_eq!(
        (r.slug.as_str(), r.version, r.status.as_str()),
        ("create-payment", 1, "ACTIVE")
    );
    assert_eq!(r.verify_jwt, Some(true));
    assert!(r.ezbr_sha256.is_some());

    let got = fake.function("create-payment").unwrap();
    let mut names: Vec<&str> = got.files.iter().map(|f| f.0.as_str()).collect();
    names.sort();
    assert_eq!(names, ["http.ts", "index.ts"]);
    for (name, content) in &got.files {
        let on_disk = std::fs::read(dir.join("functions/create-payment").join(name)).unwrap();
        assert_eq!(content, &on_disk, "{name} arrived changed");
    }
    assert_eq!(got.files, bundle_files(&dir, f).unwrap());
    assert_eq!(got.metadata["entrypoint_path"], "index.ts");
    assert_eq!(got.metadata["verify_jwt"], true);
    assert_eq!(got.metadata["name"], "create-payment");
    assert_eq!(got.metadata["static_patterns"], serde_json::json!([]));

    // The deploy said ACTIVE: waiting costs no request.
    let st = t
        .wait_active(&["create-payment".to_string()], Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(st, [("create-payment".to_string(), "ACTIVE".to_string())]);
    assert_eq!(fake.requests().len(), 1);

    // The other function, then listing and reading.
    t.deploy(&dir, &model.edge_functions["postcard-draft"])
        .await
        .unwrap();
    let list = t.list_functions().await.unwrap();
    let slugs: Vec<&str> = list.iter().map(|f| f.slug.as_str()).collect();
    assert_eq!(slugs, ["create-payment", "postcard-draft"]);
    let one = t.get_function("postcard-draft").await.unwrap().unwrap();
    assert_eq!(one.version, 1);
    assert!(t.get_function("nope").await.unwrap().is_none());
}

#[tokio::test]
async fn an_update_is_a_new_version_and_a_verify_jwt_change_is_sent() {
    let fake = FakeApi::start().await;
    let t = target(&fake);
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "functions/hello/index.ts",
        "Deno.serve(() => new Response('1'))",
    );
    write(dir.path(), "functions/hello/lib/a.ts", "export const a = 1");
    let mut f = function("hello", "functions/hello");

    let v1 = t.deploy(dir.path(), &f).await.unwrap();
    let h1 = source_hash(dir.path(), &f).unwrap();
    write(dir.path(), "functions/hello/lib/a.ts", "export const a = 2");
    let h2 = source_hash(dir.path(), &f).unwrap();
    assert_ne!(h1, h2);
    let v2 = t.deploy(dir.path(), &f).await.unwrap();
    assert_eq!((v1.version, v2.version), (1, 2));
    assert_ne!(v1.ezbr_sha256, v2.ezbr_sha256);
    let got = fake.function("hello").unwrap();
    assert!(got
        .files
        .contains(&("lib/a.ts".into(), b"export const a = 2".to_vec())));

    f.verify_jwt = false;
    let v3 = t.deploy(dir.path(), &f).await.unwrap();
    assert_eq!(v3.version, 3);
    assert_eq!(v3.verify_jwt, Some(false));
    assert_eq!(
        fake.function("hello").unwrap().metadata["verify_jwt"],
        false
    );
    assert_eq!(
        t.get_function("hello").await.unwrap().unwrap().verify_jwt,
        Some(false)
    );
}

#[tokio::test]
async fn delete_removes_a_function_and_a_missing_one_is_no_error() {
    let fake = FakeApi::start().await;
    let t = target(&fake);
    let (dir, model) = postcards();
    t.deploy(&dir, &model.edge_functions["postcard-draft"])
        .await
        .unwrap();
    t.delete_function("postcard-draft").await.unwrap();
    assert!(fake.function("postcard-draft").is_none());
    assert!(t.list_functions().await.unwrap().is_empty());
    t.delete_function("postcard-draft").await.unwrap();
}

#[tokio::test]
async fn secrets_set_rotate_and_delete_compare_digests_never_values() {
    let fake = FakeApi::start().await;
    let t = target(&fake);
    let v1 = Sensitive::new("sk_live_first_value_123".to_string());
    let v2 = Sensitive::new("sk_live_rotated_value_456".to_string());
    let other = Sensitive::new("whsec_other".to_string());

    t.set_secrets(&[
        ("STRIPE_SECRET_KEY", &v1),
        ("STRIPE_WEBHOOK_SECRET", &other),
    ])
    .await
    .unwrap();
    assert_eq!(
        fake.secret_value("STRIPE_SECRET_KEY").as_deref(),
        Some(v1.expose().as_str())
    );
    let list = t.list_secrets().await.unwrap();
    let digest = |l: &[supaform::functions::RemoteSecret], n: &str| {
        l.iter().find(|s| s.name == n).map(|s| s.digest.clone())
    };
    assert_eq!(
        digest(&list, "STRIPE_SECRET_KEY"),
        Some(secret_digest(v1.expose()))
    );
    let shown = format!("{list:?}");
    assert!(!shown.contains(v1.expose().as_str()) && !shown.contains("whsec_other"));
    assert_eq!(format!("{v1:?} {v1}"), "(sensitive) (sensitive)");

    // Rotate: the digest changes to the new value's.
    t.set_secrets(&[("STRIPE_SECRET_KEY", &v2)]).await.unwrap();
    let list = t.list_secrets().await.unwrap();
    assert_eq!(
        digest(&list, "STRIPE_SECRET_KEY"),
        Some(secret_digest(v2.expose()))
    );
    assert_ne!(secret_digest(v1.expose()), secret_digest(v2.expose()));

    t.delete_secrets(&["STRIPE_SECRET_KEY"]).await.unwrap();
    let list = t.list_secrets().await.unwrap();
    assert_eq!(digest(&list, "STRIPE_SECRET_KEY"), None);
    assert!(digest(&list, "STRIPE_WEBHOOK_SECRET").is_some());

    // Values travel only in the body of the POST that sets them.
    for r in fake.requests() {
        let body = String::from_utf8_lossy(&r.body);
        if body.contains("sk_live_") {
            assert_eq!(
                (r.method.as_str(), r.path.ends_with("/secrets")),
                ("POST", true)
            );
        }
        assert!(!r.path.contains("sk_live_") && !r.query.unwrap_or_default().contains("sk_live_"));
    }

    // A reserved name is refused before any request.
    let n = fake.requests().len();
    let e = t.set_secrets(&[("SUPABASE_URL", &v1)]).await.unwrap_err();
    assert!(
        matches!(e, FunctionsError::InvalidSecretName { .. }),
        "{e:?}"
    );
    assert!(!format!("{e} {e:?}").contains(v1.expose().as_str()));
    assert_eq!(fake.requests().len(), n);
}

#[tokio::test]
async fn a_429_is_retried_after_the_reset_the_server_gives() {
    let fake = FakeApi::start().await;
    let t = target(&fake);
    fake.rate_limit_next(2, 1);
    let started = std::time::Instant::now();
    assert!(t.list_functions().await.unwrap().is_empty());
    let log = fake.requests();
    let statuses: Vec<u16> = log.iter().map(|r| r.status).collect();
    assert_eq!(statuses, [429, 429, 200]);
    // Each retry waited for the reset (1 s), not the 20 ms backoff.
    for pair in log.windows(2) {
        let gap = pair[1].at.duration_since(pair[0].at);
        assert!(gap >= Duration::from_millis(950), "retried after {gap:?}");
    }
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn rate_limited_for_good_gives_up_with_a_clear_error() {
    let fake = FakeApi::start().await;
    let t = Target::Api(fake.client().with_retry(RetryPolicy {
        max_attempts: 3,
        max_server_wait: Duration::from_millis(50),
        ..fast()
    }));
    fake.rate_limit_next(100, 60);
    let e = t.list_secrets().await.unwrap_err();
    assert!(
        matches!(e, FunctionsError::RateLimited { attempts: 3, .. }),
        "{e:?}"
    );
    assert!(e.to_string().contains("429"), "{e}");
    assert_eq!(fake.requests().len(), 3);
    assert_no_token(&e);
}

#[tokio::test]
async fn a_persistent_500_is_a_clear_error_after_bounded_retries() {
    let fake = FakeApi::start().await;
    let t = target(&fake);
    fake.fail_next(1000);
    let (dir, model) = postcards();
    let e = t
        .deploy(&dir, &model.edge_functions["postcard-draft"])
        .await
        .unwrap_err();
    match &e {
        FunctionsError::Server {
            status,
            attempts,
            message,
            ..
        } => {
            assert_eq!((*status, *attempts), (500, 4));
            assert_eq!(message, "Internal server error");
        }
        other => panic!("{other:?}"),
    }
    assert!(e.to_string().contains("postcard-draft"), "{e}");
    assert_eq!(fake.requests().len(), 4);
    assert_no_token(&e);

    // A transient one is absorbed.
    fake.heal();
    fake.fail_next(2);
    t.deploy(&dir, &model.edge_functions["postcard-draft"])
        .await
        .unwrap();
}

#[tokio::test]
async fn a_refused_token_says_how_to_make_one_without_printing_it() {
    let fake = FakeApi::start().await;
    let wrong = "sbp_wrongtoken_9f8e7d6c5b4a";
    let client = ApiClient::new(
        &fake.base_url,
        Sensitive::new(wrong.to_string()),
        PROJECT_REF,
    )
    .unwrap()
    .with_retry(fast());
    let shown = format!("{client:?}");
    assert!(
        !shown.contains(wrong) && shown.contains("(sensitive)"),
        "{shown}"
    );
    let e = Target::Api(client).list_functions().await.unwrap_err();
    assert!(
        matches!(e, FunctionsError::Unauthorized { status: 401, .. }),
        "{e:?}"
    );
    let help = e.help().unwrap().to_string();
    assert!(
        help.contains("https://supabase.com/dashboard/account/tokens"),
        "{help}"
    );
    for text in [e.to_string(), format!("{e:?}"), help] {
        assert!(!text.contains(wrong), "{text}");
    }
    // 401 is not retried.
    assert_eq!(fake.requests().len(), 1);
}

#[tokio::test]
async fn an_unknown_project_is_named() {
    let fake = FakeApi::start().await;
    let client = ApiClient::new(
        &fake.base_url,
        Sensitive::new(TOKEN.to_string()),
        "otherprojectrefabcde",
    )
    .unwrap()
    .with_retry(fast());
    let e = Target::Api(client).list_functions().await.unwrap_err();
    match &e {
        FunctionsError::ProjectNotFound { project_ref } => {
            assert_eq!(project_ref, "otherprojectrefabcde")
        }
        other => panic!("{other:?}"),
    }
    assert!(e.to_string().contains("otherprojectrefabcde"));
    assert_no_token(&e);
}

#[tokio::test]
async fn a_slow_api_times_out() {
    let fake = FakeApi::start().await;
    let t = Target::Api(fake.client().with_retry(RetryPolicy {
        max_attempts: 2,
        request_timeout: Duration::from_millis(200),
        ..fast()
    }));
    fake.slow_next(2, Duration::from_secs(2));
    let started = std::time::Instant::now();
    let e = t.list_functions().await.unwrap_err();
    assert!(
        matches!(e, FunctionsError::Timeout { attempts: 2, .. }),
        "{e:?}"
    );
    assert!(started.elapsed() < Duration::from_millis(1500));
    assert_no_token(&e);
    // The next answers are fast again.
    tokio::time::sleep(Duration::from_millis(100)).await;
    t.list_functions().await.unwrap();
}

#[tokio::test]
async fn a_partial_multi_function_deploy_reports_what_was_deployed() {
    let fake = FakeApi::start().await;
    let t = target(&fake);
    let dir = tempfile::tempdir().unwrap();
    let mut fs = Vec::new();
    for i in 0..5 {
        let slug = format!("fn-{i}");
        write(
            dir.path(),
            &format!("functions/{slug}/index.ts"),
            &format!("// {i}"),
        );
        fs.push(function(&slug, &format!("functions/{slug}")));
    }
    fake.fail_deploy_number(3);
    let report = t.deploy_many(dir.path(), &fs, 2).await;
    assert_eq!(report.deployed.len(), 4, "{report:?}");
    assert_eq!(report.failed.len(), 1, "{report:?}");
    let (failed, err) = &report.failed[0];
    assert!(
        matches!(err, FunctionsError::Server { status: 500, .. }),
        "{err:?}"
    );
    // Exactly the reported ones exist remotely.
    let mut deployed: Vec<String> = report.deployed.iter().map(|f| f.slug.clone()).collect();
    deployed.sort();
    assert_eq!(fake.function_slugs(), deployed);
    assert!(!fake.function_slugs().contains(failed));

    // Running again for the failed one finishes the job.
    fake.heal();
    let again: Vec<EdgeFunction> = fs.iter().filter(|f| &f.slug == failed).cloned().collect();
    let report = t.deploy_many(dir.path(), &again, 2).await;
    assert!(report.failed.is_empty());
    assert_eq!(fake.function_slugs().len(), 5);
}

#[tokio::test]
async fn wait_active_polls_a_throttled_function_until_active() {
    let fake = FakeApi::start().await;
    let t = target(&fake);
    let (dir, model) = postcards();
    fake.throttle_after_deploy(1);
    let r = t
        .deploy(&dir, &model.edge_functions["postcard-draft"])
        .await
        .unwrap();
    assert_eq!(r.status, "THROTTLED");
    let st = t
        .wait_active(&["postcard-draft".to_string()], Duration::from_secs(10))
        .await
        .unwrap();
    assert_eq!(st[0].1, "ACTIVE");
    let gets = fake.requests().iter().filter(|r| r.method == "GET").count();
    assert_eq!(gets, 2);

    // A bounded wait reports what it last saw.
    fake.throttle_after_deploy(1000);
    t.deploy(&dir, &model.edge_functions["postcard-draft"])
        .await
        .unwrap();
    let st = t
        .wait_active(&["postcard-draft".to_string()], Duration::from_millis(700))
        .await
        .unwrap();
    assert_eq!(st[0].1, "THROTTLED");
}

#[tokio::test]
async fn the_token_travels_only_in_the_authorization_header_and_never_in_errors() {
    let fake = FakeApi::start().await;
    let client = fake.client().with_retry(fast());
    assert!(!format!("{client:?}").contains(TOKEN));
    let t = Target::Api(client);
    assert!(!format!("{t:?}").contains(TOKEN));
    let (dir, model) = postcards();
    let v = Sensitive::new("value".to_string());

    t.deploy(&dir, &model.edge_functions["create-payment"])
        .await
        .unwrap();
    t.list_functions().await.unwrap();
    t.set_secrets(&[("A_KEY", &v)]).await.unwrap();
    t.list_secrets().await.unwrap();
    t.delete_secrets(&["A_KEY"]).await.unwrap();
    t.delete_function("create-payment").await.unwrap();

    // A careless server echoing the header in its error message.
    fake.echo_authorization_next(100);
    let e = t.list_functions().await.unwrap_err();
    assert!(matches!(e, FunctionsError::Server { .. }), "{e:?}");
    assert!(e.to_string().contains("(redacted)"), "{e}");
    assert_no_token(&e);
    fake.heal();

    let log = fake.requests();
    assert!(log.len() >= 7);
    for r in &log {
        assert!(!r.path.contains(TOKEN) && !r.query.clone().unwrap_or_default().contains(TOKEN));
        assert!(!String::from_utf8_lossy(&r.body).contains(TOKEN));
        for (k, val) in &r.headers {
            if k == "authorization" {
                assert_eq!(val, &format!("Bearer {TOKEN}"));
            } else {
                assert!(!val.contains(TOKEN), "{k} carries the token");
            }
        }
    }
}

#[tokio::test]
async fn a_missing_source_file_names_its_path() {
    let fake = FakeApi::start().await;
    let t = target(&fake);
    let dir = tempfile::tempdir().unwrap();
    let e = t
        .deploy(dir.path(), &function("ghost", "functions/ghost"))
        .await
        .unwrap_err();
    assert!(matches!(e, FunctionsError::ReadSource { .. }), "{e:?}");
    assert!(e.to_string().contains("functions/ghost"), "{e}");
    assert!(fake.requests().is_empty());
}

// ---------------------------------------------------------------------------------------
// The directory target

#[tokio::test]
async fn the_directory_target_deploys_versions_lists_and_deletes() {
    let cfg = tempfile::tempdir().unwrap();
    let vol = tempfile::tempdir().unwrap();
    write(cfg.path(), "functions/hello/index.ts", "v1");
    write(cfg.path(), "functions/hello/sub/x.ts", "x");
    // The self-hosted router is not a function and is left alone.
    write(vol.path(), "main/index.ts", "router");
    let t = Target::Directory(DirectoryTarget::new(vol.path()));
    let f = function("hello", "functions/hello");

    let r1 = t.deploy(cfg.path(), &f).await.unwrap();
    assert_eq!((r1.version, r1.status.as_str()), (1, "ACTIVE"));
    assert_eq!(
        std::fs::read_to_string(vol.path().join("hello/index.ts")).unwrap(),
        "v1"
    );
    assert_eq!(
        std::fs::read_to_string(vol.path().join("hello/sub/x.ts")).unwrap(),
        "x"
    );
    let listed = t.list_functions().await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(
        listed[0].ezbr_sha256,
        Some(source_hash(cfg.path(), &f).unwrap())
    );

    // A new version replaces every file: removed ones disappear.
    std::fs::remove_file(cfg.path().join("functions/hello/sub/x.ts")).unwrap();
    write(cfg.path(), "functions/hello/index.ts", "v2");
    let r2 = t.deploy(cfg.path(), &f).await.unwrap();
    assert_eq!(r2.version, 2);
    assert_eq!(
        std::fs::read_to_string(vol.path().join("hello/index.ts")).unwrap(),
        "v2"
    );
    assert!(!vol.path().join("hello/sub").exists());

    // An out-of-band edit changes the reported hash (drift).
    std::fs::write(vol.path().join("hello/index.ts"), "edited").unwrap();
    let now = t.get_function("hello").await.unwrap().unwrap();
    assert_ne!(now.ezbr_sha256, r2.ezbr_sha256);

    let st = t
        .wait_active(&["hello".into(), "nope".into()], Duration::from_secs(1))
        .await
        .unwrap();
    assert_eq!(st[0].1, "ACTIVE");
    assert_eq!(st[1].1, "MISSING");

    // A slug names one directory, nothing else.
    for bad in ["", "..", "../hello", "main/x"] {
        let e = t.delete_function(bad).await.unwrap_err();
        assert!(matches!(e, FunctionsError::InvalidSlug { .. }), "{e:?}");
    }
    assert!(vol.path().join("hello/index.ts").exists());

    t.delete_function("hello").await.unwrap();
    assert!(!vol.path().join("hello").exists());
    assert!(t.list_functions().await.unwrap().is_empty());
    assert!(vol.path().join("main/index.ts").exists());
    // Nothing is left behind.
    let names: Vec<String> = std::fs::read_dir(vol.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["main"]);
}

#[tokio::test]
async fn the_directory_target_keeps_secrets_in_a_private_env_file() {
    let vol = tempfile::tempdir().unwrap();
    std::fs::write(vol.path().join(".env"), "# kept\nOTHER='x'\n").unwrap();
    let t = Target::Directory(DirectoryTarget::new(vol.path()));
    let a = Sensitive::new("it's \"quoted\"\nand multi-line".to_string());
    let b = Sensitive::new("sk_live_b".to_string());
    t.set_secrets(&[("A_KEY", &a), ("B_KEY", &b)])
        .await
        .unwrap();
    let list = t.list_secrets().await.unwrap();
    let d = |n: &str| list.iter().find(|s| s.name == n).map(|s| s.digest.clone());
    assert_eq!(d("A_KEY"), Some(secret_digest(a.expose())));
    assert_eq!(d("B_KEY"), Some(secret_digest(b.expose())));
    assert!(d("OTHER").is_some());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(vol.path().join(".env"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    t.delete_secrets(&["A_KEY"]).await.unwrap();
    let text = std::fs::read_to_string(vol.path().join(".env")).unwrap();
    assert!(text.starts_with("# kept\nOTHER='x'\n"), "{text}");
    assert!(!text.contains("A_KEY") && text.contains("B_KEY='sk_live_b'"));
}

const CHILD_ENV: &str = "SUPAFORM_TEST_DIRECTORY_CHILD";

/// Run by `an_interrupted_directory_deploy_leaves_the_old_version_whole` in a child process
/// that it kills mid-write.
#[test]
#[ignore = "helper: run as a child process"]
fn directory_deploy_child() {
    let Ok(spec) = std::env::var(CHILD_ENV) else {
        return;
    };
    let (cfg, vol) = spec.split_once('\n').unwrap();
    let t = DirectoryTarget::new(vol);
    t.deploy(Path::new(cfg), &function("big", "functions/big"))
        .unwrap();
}

#[tokio::test]
async fn an_interrupted_directory_deploy_leaves_the_old_version_whole() {
    let cfg = tempfile::tempdir().unwrap();
    let vol = tempfile::tempdir().unwrap();
    write(cfg.path(), "functions/big/index.ts", "old");
    let t = DirectoryTarget::new(vol.path());
    t.deploy(cfg.path(), &function("big", "functions/big"))
        .unwrap();

    // The new version: many fsynced files, so the write takes a while.
    write(cfg.path(), "functions/big/index.ts", "new");
    let chunk = "x".repeat(4 * 1024);
    for i in 0..300 {
        write(
            cfg.path(),
            &format!("functions/big/data/{i:04}.txt"),
            &chunk,
        );
    }
    let mut child = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "directory_deploy_child",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(
            CHILD_ENV,
            format!("{}\n{}", cfg.path().display(), vol.path().display()),
        )
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let tmp = vol.path().join(format!(".big.tmp-{}", child.id()));
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    loop {
        let started = tmp
            .join("data")
            .read_dir()
            .map(|mut d| d.next().is_some())
            .unwrap_or(false);
        if started {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the child never started writing"
        );
        assert!(
            child.try_wait().unwrap().is_none(),
            "the child ended before it was killed"
        );
        std::thread::sleep(Duration::from_millis(1));
    }
    child.kill().unwrap();
    child.wait().unwrap();

    // Killed halfway: the partial copy is there, the live version is the old one, whole.
    assert!(tmp.exists());
    assert_eq!(
        std::fs::read_to_string(vol.path().join("big/index.ts")).unwrap(),
        "old"
    );
    let live: Vec<_> = std::fs::read_dir(vol.path().join("big")).unwrap().collect();
    assert_eq!(live.len(), 2, "index.ts and the metadata only");
    let listed = t.list_functions().unwrap();
    assert_eq!((listed.len(), listed[0].version), (1, 1));

    // The next deploy finishes the job and clears the leftovers.
    let r = t
        .deploy(cfg.path(), &function("big", "functions/big"))
        .unwrap();
    assert_eq!(r.version, 2);
    assert!(!tmp.exists());
    assert_eq!(
        std::fs::read_to_string(vol.path().join("big/index.ts")).unwrap(),
        "new"
    );
    assert_eq!(
        std::fs::read_dir(vol.path().join("big/data"))
            .unwrap()
            .count(),
        300
    );
}

#[tokio::test]
async fn the_postcards_functions_deploy_to_the_directory_target() {
    let (dir, model) = postcards();
    let vol = tempfile::tempdir().unwrap();
    let t = Target::Directory(DirectoryTarget::new(vol.path()));
    let fs: Vec<EdgeFunction> = model.edge_functions.values().cloned().collect();
    let report = t.deploy_many(&dir, &fs, 2).await;
    assert!(report.failed.is_empty(), "{report:?}");
    assert!(vol.path().join("create-payment/index.ts").is_file());
    assert!(vol.path().join("create-payment/http.ts").is_file());
    assert!(vol.path().join("postcard-draft/index.ts").is_file());
}

#[tokio::test]
async fn the_fake_rejects_requests_that_break_the_openapi_document() {
    let fake = FakeApi::start().await;
    let _ = rustls::crypto::ring::default_provider().install_default();
    let http = reqwest::Client::new();
    let base = format!("{}/v1/projects/{PROJECT_REF}", fake.base_url);
    let auth = format!("Bearer {TOKEN}");

    // metadata without the required entrypoint_path
    let form = reqwest::multipart::Form::new()
        .text("metadata", r#"{"name":"x"}"#)
        .part(
            "file",
            reqwest::multipart::Part::bytes(b"x".to_vec()).file_name("index.ts"),
        );
    let r = http
        .post(format!("{base}/functions/deploy?slug=hello"))
        .header("authorization", &auth)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let v = fake.take_violations();
    assert!(v.iter().any(|m| m.contains("entrypoint_path")), "{v:?}");

    // a slug the document's pattern refuses
    let form =
        reqwest::multipart::Form::new().text("metadata", r#"{"entrypoint_path":"index.ts"}"#);
    let r = http
        .post(format!("{base}/functions/deploy?slug=9bad"))
        .header("authorization", &auth)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert!(fake.take_violations().iter().any(|m| m.contains("slug")));

    // a reserved secret name (the document's `^(?!SUPABASE_)` pattern)
    let r = http
        .post(format!("{base}/secrets"))
        .header("authorization", &auth)
        .json(&serde_json::json!([{"name": "SUPABASE_URL", "value": "x"}]))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(fake.take_violations().len(), 1);

    // a project ref of the wrong shape, and an operation supaform must not call
    let r = http
        .get(format!("{}/v1/projects/short/secrets", fake.base_url))
        .header("authorization", &auth)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let r = http
        .get(format!("{base}/functions/hello/body"))
        .header("authorization", &auth)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    assert_eq!(fake.take_violations().len(), 2);
}
