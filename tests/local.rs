//! The embedded Supabase-like Postgres, against real servers: the shared test cluster
//! (tests/common) and, for crash recovery, a private one.

mod common;

use miette::Diagnostic;
use std::path::PathBuf;
use std::process::Command;
use supaform::local::{self, LocalError, LocalOptions, SearchPaths};

#[tokio::test]
async fn start_twice_is_a_no_op() {
    let first = common::server().clone();
    let second = local::start(&common::options()).await.unwrap();
    assert_eq!(first.pid, second.pid);
    assert_eq!(first.port, second.port);
    assert!(second.reused);
    let status = local::status(&common::options()).await.unwrap().unwrap();
    assert_eq!(status.pid, first.pid);
    assert_eq!(status.port, first.port);
}

#[tokio::test]
async fn auth_functions_read_the_request_jwt_claims() {
    let db = common::connect(&common::fresh_db("auth_fns").await).await;
    let uid = "8f0c4a86-7f4e-4d9e-9b43-6d1d1a6bb001";
    let claims = format!(r#"{{"sub":"{uid}","role":"authenticated","email":"ada@example.com"}}"#);
    db.execute(
        "select set_config('request.jwt.claims', $1, false)",
        &[&claims],
    )
    .await
    .unwrap();
    let row = db
        .query_one(
            "select auth.uid()::text, auth.role(), auth.email(), auth.jwt() ->> 'sub'",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(row.get::<_, String>(0), uid);
    assert_eq!(row.get::<_, String>(1), "authenticated");
    assert_eq!(row.get::<_, String>(2), "ada@example.com");
    assert_eq!(row.get::<_, String>(3), uid);

    // No claims: NULL, as on Supabase.
    db.batch_execute("select set_config('request.jwt.claims', '', false)")
        .await
        .unwrap();
    let row = db.query_one("select auth.uid()::text", &[]).await.unwrap();
    assert_eq!(row.get::<_, Option<String>>(0), None);
}

#[tokio::test]
async fn api_roles_look_like_supabase() {
    let db = common::connect(&common::fresh_db("roles").await).await;
    let rows = db
        .query(
            "select rolname, rolcanlogin, rolinherit, rolbypassrls from pg_roles
             where rolname in ('anon', 'authenticated', 'service_role', 'authenticator', 'postgres')
             order by rolname",
            &[],
        )
        .await
        .unwrap();
    let roles: Vec<(String, bool, bool, bool)> = rows
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)))
        .collect();
    assert_eq!(
        roles,
        vec![
            ("anon".into(), false, false, false),
            ("authenticated".into(), false, false, false),
            ("authenticator".into(), true, false, false),
            ("postgres".into(), true, true, true),
            ("service_role".into(), false, false, true),
        ]
    );
    let members: Vec<String> = db
        .query(
            "select r.rolname from pg_auth_members m
             join pg_roles r on r.oid = m.roleid
             join pg_roles u on u.oid = m.member
             where u.rolname = 'authenticator' order by 1",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(members, ["anon", "authenticated", "service_role"]);
}

#[tokio::test]
async fn rls_with_auth_uid_and_service_role_bypass_behave() {
    let db = common::connect(&common::fresh_db("rls").await).await;
    let alice = "11111111-1111-1111-1111-111111111111";
    let bob = "22222222-2222-2222-2222-222222222222";
    db.batch_execute(&format!(
        "create table public.notes (id serial primary key, owner uuid not null, body text);
         alter table public.notes enable row level security;
         create policy notes_own on public.notes for select to authenticated
           using ((select auth.uid()) = owner);
         insert into public.notes (owner, body) values ('{alice}', 'a'), ('{bob}', 'b');"
    ))
    .await
    .unwrap();

    // Default privileges gave the API roles access to the new table and its sequence.
    let row = db
        .query_one(
            "select has_table_privilege('anon', 'public.notes', 'select'),
                    has_table_privilege('authenticated', 'public.notes', 'insert'),
                    has_sequence_privilege('authenticated', 'public.notes_id_seq', 'usage')",
            &[],
        )
        .await
        .unwrap();
    assert!(row.get::<_, bool>(0) && row.get::<_, bool>(1) && row.get::<_, bool>(2));

    let claims = format!(r#"{{"sub":"{alice}","role":"authenticated"}}"#);
    db.execute(
        "select set_config('request.jwt.claims', $1, false)",
        &[&claims],
    )
    .await
    .unwrap();
    db.batch_execute("set role authenticated").await.unwrap();
    let bodies: Vec<String> = db
        .query("select body from public.notes order by id", &[])
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(bodies, ["a"], "authenticated sees only its own row");

    db.batch_execute("reset role; set role anon").await.unwrap();
    let n = db
        .query("select body from public.notes", &[])
        .await
        .unwrap()
        .len();
    assert_eq!(n, 0, "anon has no policy: RLS hides every row");

    db.batch_execute("reset role; set role service_role")
        .await
        .unwrap();
    let n = db
        .query("select body from public.notes", &[])
        .await
        .unwrap()
        .len();
    assert_eq!(n, 2, "service_role bypasses RLS");
}

#[tokio::test]
async fn schemas_extensions_and_platform_tables_exist() {
    let db = common::connect(&common::fresh_db("platform").await).await;
    let exts: Vec<(String, String)> = db
        .query(
            "select e.extname::text, n.nspname::text from pg_extension e
             join pg_namespace n on n.oid = e.extnamespace
             where e.extname in ('pgcrypto', 'uuid-ossp') order by 1",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    assert_eq!(
        exts,
        vec![
            ("pgcrypto".to_string(), "extensions".to_string()),
            ("uuid-ossp".to_string(), "extensions".to_string())
        ]
    );
    // Usable the way Supabase projects call them.
    db.batch_execute(
        "select extensions.uuid_generate_v4(), extensions.crypt('pw', extensions.gen_salt('bf', 4))",
    )
    .await
    .unwrap();

    // auth.users takes an insert with Supabase's usual columns; id defaults.
    let row = db
        .query_one(
            "insert into auth.users (email, raw_user_meta_data, raw_app_meta_data)
             values ('ada@example.com', '{\"name\":\"Ada\"}', '{}')
             returning id::text, created_at is not null",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(row.get::<_, String>(0).len(), 36);
    assert!(row.get::<_, bool>(1));

    let rls: Vec<(String, bool)> = db
        .query(
            "select c.relname::text, c.relrowsecurity from pg_class c
             join pg_namespace n on n.oid = c.relnamespace
             where n.nspname = 'storage' and c.relname in ('buckets', 'objects') order by 1",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    assert_eq!(
        rls,
        vec![("buckets".to_string(), true), ("objects".to_string(), true)]
    );
    let row = db
        .query_one(
            "select (storage.foldername('user-1/avatars/me.png'))[1],
                    storage.filename('user-1/avatars/me.png'),
                    storage.extension('user-1/avatars/me.png')",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(row.get::<_, String>(0), "user-1");
    assert_eq!(row.get::<_, String>(1), "me.png");
    assert_eq!(row.get::<_, String>(2), "png");

    let usage = db
        .query_one(
            "select bool_and(has_schema_privilege(r, s, 'usage'))
             from unnest(array['anon', 'authenticated', 'service_role']) r,
                  unnest(array['public', 'auth', 'storage', 'extensions']) s",
            &[],
        )
        .await
        .unwrap();
    assert!(usage.get::<_, bool>(0));
}

#[tokio::test]
async fn fresh_databases_are_isolated() {
    let a_url = common::fresh_db("iso").await;
    let b_url = common::fresh_db("iso").await;
    assert_ne!(a_url, b_url);
    let a = common::connect(&a_url).await;
    let b = common::connect(&b_url).await;
    a.batch_execute("create table public.only_in_a (x int)")
        .await
        .unwrap();
    let found = b
        .query_opt("select 1 from pg_class where relname = 'only_in_a'", &[])
        .await
        .unwrap();
    assert!(found.is_none());
    // The template itself stays clean too.
    let t = common::server()
        .client(local::TEMPLATE_DATABASE)
        .await
        .unwrap();
    let found = t
        .query_opt("select 1 from pg_class where relname = 'only_in_a'", &[])
        .await
        .unwrap();
    assert!(found.is_none());
}

#[tokio::test]
async fn reserved_database_names_are_refused() {
    let err = common::server()
        .drop_database(local::TEMPLATE_DATABASE)
        .await
        .unwrap_err();
    assert!(matches!(err, LocalError::DatabaseName { .. }), "{err:?}");
}

#[test]
fn status_command_reports_the_running_server() {
    let inst = common::server();
    let out = Command::new(env!("CARGO_BIN_EXE_supaform"))
        .args(["local", "status"])
        .env("SUPAFORM_CACHE_DIR", common::cache_dir())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("running"), "{stdout}");
    assert!(
        stdout.contains(&inst.url(local::LOCAL_DATABASE)),
        "{stdout}"
    );
    assert!(stdout.contains(&format!("pid {}", inst.pid)), "{stdout}");
}

#[test]
fn start_command_reuses_the_running_server() {
    let inst = common::server();
    let (code, text) = supaform_local(&["start"], &common::cache_dir(), None);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("already running"), "{text}");
    assert!(text.contains(&format!("pid {}", inst.pid)), "{text}");
    assert!(
        text.contains(&inst.data_dir.display().to_string()),
        "{text}"
    );
}

#[test]
fn status_command_says_not_running_for_an_empty_cache_dir() {
    let dir = private_dir("status-empty");
    let out = Command::new(env!("CARGO_BIN_EXE_supaform"))
        .args(["local", "status"])
        .env("SUPAFORM_CACHE_DIR", &dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(3), "{stdout}");
    assert!(stdout.contains("not running"), "{stdout}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn no_binaries_is_a_clear_error() {
    let empty = private_dir("no-binaries");
    let search = SearchPaths {
        explicit: None,
        path: Some(empty.clone().into_os_string()),
        pg_config: true,
        patterns: vec![empty.join("*").join("bin")],
    };
    let err = local::find_binaries_in(&search).unwrap_err();
    assert!(matches!(err, LocalError::NoBinaries { .. }), "{err:?}");
    assert_eq!(
        err.code().map(|c| c.to_string()).as_deref(),
        Some("supaform::local::no_binaries")
    );
    let help = err.help().map(|h| h.to_string()).unwrap_or_default();
    assert!(help.contains("apt-get install postgresql"), "{help}");
    assert!(help.contains("brew install postgresql@16"), "{help}");
    let _ = std::fs::remove_dir_all(&empty);
}

#[test]
fn the_machine_binaries_are_found_newest_first() {
    let b = local::find_binaries().unwrap();
    assert!(b.major_version >= local::binaries::MIN_MAJOR_VERSION);
    assert!(b.bin_dir.join("postgres").exists());
    let all = local::binaries::candidates(&SearchPaths::system());
    assert!(all
        .windows(2)
        .all(|w| w[0].major_version >= w[1].major_version));
}

/// Fake PostgreSQL binaries (shell scripts): `postgres --version` answers, anything
/// else runs `server`; `initdb` runs `initdb`. For the failure paths only.
fn fake_bin_dir(tag: &str, initdb: &str, server: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let dir = private_dir(tag);
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let postgres = format!(
        "#!/bin/sh\nif [ \"$1\" = \"--version\" ]; then echo 'postgres (PostgreSQL) 15.99'; exit 0; fi\n{server}\n"
    );
    for (name, body) in [
        ("postgres", postgres),
        ("initdb", format!("#!/bin/sh\n{initdb}\n")),
    ] {
        let p = bin.join(name);
        std::fs::write(&p, body).unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    dir
}

fn supaform_local(
    args: &[&str],
    cache: &std::path::Path,
    bin: Option<&std::path::Path>,
) -> (i32, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_supaform"));
    cmd.arg("local")
        .args(args)
        .env("SUPAFORM_CACHE_DIR", cache)
        .env("NO_COLOR", "1");
    if let Some(b) = bin {
        cmd.env("SUPAFORM_PG_BIN_DIR", b);
    }
    let out = cmd.output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), text)
}

/// A fake initdb that lays out just enough of a data directory.
const FAKE_INITDB_OK: &str = "mkdir -p \"$2/global\" && : > \"$2/global/pg_control\" && echo 15 > \"$2/PG_VERSION\" && : > \"$2/postgresql.conf\"";

#[test]
fn a_server_that_does_not_start_is_reported_with_its_log() {
    let dir = fake_bin_dir(
        "fake-start",
        FAKE_INITDB_OK,
        "echo 'FATAL:  the fake server refuses to start' >&2; exit 1",
    );
    let (code, text) = supaform_local(&["start"], &dir.join("cache"), Some(&dir.join("bin")));
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("supaform::local::start_failed"), "{text}");
    assert!(text.contains("did not start"), "{text}");
    assert!(text.contains("the fake server refuses to start"), "{text}");
    assert!(text.contains("server.log"), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_initdb_failure_is_reported() {
    let dir = fake_bin_dir(
        "fake-initdb",
        "echo 'initdb: error: the fake initdb fails' >&2; exit 1",
        "exit 1",
    );
    let (code, text) = supaform_local(&["start"], &dir.join("cache"), Some(&dir.join("bin")));
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("supaform::local::initdb_failed"), "{text}");
    assert!(text.contains("the fake initdb fails"), "{text}");
    assert!(
        !dir.join("cache").join("pg15").join("data").exists(),
        "the half-made data directory is removed"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_unusable_cache_dir_is_reported() {
    let dir = private_dir("bad-cache");
    let file = dir.join("a-file");
    std::fs::write(&file, "not a directory").unwrap();
    let (code, text) = supaform_local(&["start"], &file.join("cache"), None);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("supaform::local::cache_dir"), "{text}");
    assert!(text.contains("SUPAFORM_CACHE_DIR"), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A private cluster: concurrent starts agree, a server killed with SIGKILL (stale pid
/// file) is recovered by the next start, reset empties the local database, stop stops,
/// and a pid file naming an unrelated live process does not block the next start.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn private_cluster_lifecycle() {
    let dir = private_dir("lifecycle");
    let opts = LocalOptions {
        cache_dir: Some(dir.clone()),
        ..Default::default()
    };

    // Three concurrent starts on a fresh cache dir: one initdb, one server.
    let (a, b, c) = tokio::join!(
        local::start(&opts),
        local::start(&opts),
        local::start(&opts)
    );
    let (a, b, c) = (a.unwrap(), b.unwrap(), c.unwrap());
    assert_eq!((a.pid, a.port), (b.pid, b.port));
    assert_eq!((a.pid, a.port), (c.pid, c.port));
    assert_eq!(
        [a.reused, b.reused, c.reused]
            .iter()
            .filter(|r| !**r)
            .count(),
        1
    );

    // Crash: SIGKILL leaves postmaster.pid behind.
    // SAFETY: signalling the server this test started.
    unsafe { libc::kill(a.pid as i32, libc::SIGKILL) };
    for _ in 0..200 {
        if local::status(&opts).await.unwrap().is_none() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    assert!(local::status(&opts).await.unwrap().is_none());
    assert!(a.data_dir.join("postmaster.pid").exists(), "stale pid file");

    let again = local::start(&opts).await.unwrap();
    assert_ne!(again.pid, a.pid);
    assert!(!again.reused);

    // reset: the local database comes back empty.
    let url = again.url(local::LOCAL_DATABASE);
    let db = common::connect(&url).await;
    db.batch_execute("create table public.scratch (x int)")
        .await
        .unwrap();
    drop(db);
    let after = local::reset(&opts).await.unwrap();
    assert_eq!(after.pid, again.pid);
    let db = common::connect(&url).await;
    let found = db
        .query_opt("select 1 from pg_class where relname = 'scratch'", &[])
        .await
        .unwrap();
    assert!(found.is_none(), "reset recreated the local database");
    let auth = db
        .query_opt("select 1 from pg_proc where proname = 'uid'", &[])
        .await
        .unwrap();
    assert!(auth.is_some(), "the recreated database has the bootstrap");
    drop(db);

    // A template made by other bootstrap SQL (an older supaform) is rebuilt by the next
    // start, though it is marked as a template.
    let admin = common::connect(&after.url("postgres")).await;
    let marker = "select shobj_description(oid, 'pg_database') from pg_database where datname = 'supaform_template'";
    admin
        .batch_execute("comment on database supaform_template is 'supaform bootstrap stale'")
        .await
        .unwrap();
    let rebuilt = local::start(&opts).await.unwrap();
    assert!(rebuilt.reused);
    let now: Option<String> = admin.query_one(marker, &[]).await.unwrap().get(0);
    let offered: String = admin
        .query_one(
            "select coalesce(string_agg(name, ',' order by name), '') from pg_available_extensions where name in ('pg_stat_statements', 'supabase_vault', 'pg_graphql')",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(now, Some(local::bootstrap::marker(&offered)));
    // The stand-ins of Supabase's extensions are offered by the embedded server.
    assert_eq!(offered, "pg_graphql,pg_stat_statements,supabase_vault");
    drop(admin);

    assert!(local::stop(&opts).await.unwrap());
    assert!(!local::stop(&opts).await.unwrap());
    assert!(local::status(&opts).await.unwrap().is_none());
    assert!(!again.data_dir.join("postmaster.pid").exists());

    // A pid file naming a live process that is not postgres (pid reused after a reboot).
    let pid_file = again.data_dir.join("postmaster.pid");
    std::fs::write(
        &pid_file,
        format!(
            "{}\n{}\n1700000000\n{}\n{}\n127.0.0.1\n  1 2\nready   \n",
            std::process::id(),
            again.data_dir.display(),
            again.port,
            again.socket_dir.display()
        ),
    )
    .unwrap();
    assert!(local::status(&opts).await.unwrap().is_none());
    let third = local::start(&opts).await.unwrap();
    assert!(!third.reused);
    assert_ne!(third.pid, std::process::id());
    assert!(local::stop(&opts).await.unwrap());
    let _ = std::fs::remove_dir_all(&dir);
}

/// A fresh directory under the target dir (reachable by the `postgres` user when root).
fn private_dir(tag: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("local-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Whether `/dev/shm` is a tmpfs with at least 1 GiB free (where scratch databases go).
fn dev_shm_usable() -> bool {
    let c = std::ffi::CString::new("/dev/shm").unwrap();
    // SAFETY: statfs is plain old data; statfs(2) reads a valid C string.
    unsafe {
        let mut st: libc::statfs = std::mem::zeroed();
        libc::statfs(c.as_ptr(), &mut st) == 0
            && st.f_type as i64 == 0x0102_1994
            && st.f_bavail as u64 * st.f_bsize as u64 >= 1 << 30
    }
}

async fn tablespace_of(inst: &local::Instance, db: &str) -> String {
    let c = common::connect(&inst.url("postgres")).await;
    c.query_one(
        "select t.spcname::text from pg_database d join pg_tablespace t on t.oid = d.dattablespace where d.datname = $1",
        &[&db],
    )
    .await
    .unwrap()
    .get(0)
}

/// Scratch databases go to a tablespace in memory when /dev/shm is a tmpfs with room, and
/// to the default tablespace otherwise; after a reboot (the directory in memory gone) the
/// next scratch database makes it again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scratch_databases_live_in_memory_and_survive_a_lost_directory() {
    let dir = private_dir("scratch");
    let opts = LocalOptions {
        cache_dir: Some(dir.clone()),
        ..Default::default()
    };
    let inst = local::start(&opts).await.unwrap();
    let in_memory = dev_shm_usable();
    assert_eq!(inst.scratch_directory().is_some(), in_memory);

    let url = inst.create_scratch_database("scratch_one").await.unwrap();
    let expected = if in_memory {
        "supaform_scratch"
    } else {
        "pg_default"
    };
    assert_eq!(tablespace_of(&inst, "scratch_one").await, expected);
    let c = common::connect(&url).await;
    c.batch_execute("create table t (id uuid primary key default gen_random_uuid(), body text); create index on t (body)")
        .await
        .unwrap();
    drop(c);
    inst.drop_database("scratch_one").await.unwrap();

    if let Some(ram) = inst.scratch_directory() {
        assert!(ram.is_dir());
        // A reboot empties /dev/shm: the server restarts with the tablespace's directory gone.
        assert!(local::stop(&opts).await.unwrap());
        std::fs::remove_dir_all(&ram).unwrap();
        let inst = local::start(&opts).await.unwrap();
        let url = inst.create_scratch_database("scratch_two").await.unwrap();
        assert_eq!(
            tablespace_of(&inst, "scratch_two").await,
            "supaform_scratch"
        );
        let c = common::connect(&url).await;
        c.batch_execute("create table t (id int primary key)")
            .await
            .unwrap();
        drop(c);
        inst.drop_database("scratch_two").await.unwrap();
        let _ = std::fs::remove_dir_all(&ram);
    }
    assert!(local::stop(&opts).await.unwrap());
    let _ = std::fs::remove_dir_all(&dir);
}

/// The stand-ins of Supabase's extensions (src/local/standins) on the embedded server:
/// each fixture of tests/fixtures/standins uses its extension as real projects do (column
/// types with typmods, hnsw indexes, vault.create_secret, net.http_post, cron.schedule,
/// plpgsql bodies checked), then drops and creates it again.
#[tokio::test]
async fn the_standin_extensions_work_as_projects_use_them() {
    common::server();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/standins");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    files.sort();
    let names = supaform::local::install::standin_names();
    assert_eq!(
        files.len(),
        names.len(),
        "a fixture per stand-in: {names:?}"
    );
    let mut failures = vec![];
    for f in files {
        let name = f.file_stem().unwrap().to_string_lossy().into_owned();
        assert!(names.contains(&name.as_str()), "{name} has no stand-in");
        let url = common::fresh_db(&format!("standin_{name}")).await;
        let c = common::connect(&url).await;
        let sql = std::fs::read_to_string(&f).unwrap();
        if let Err(e) = c.batch_execute(&sql).await {
            failures.push(format!(
                "{name}: {}",
                e.as_db_error()
                    .map(|d| d.message().to_string())
                    .unwrap_or(e.to_string())
            ));
            continue;
        }
        let comment: String = c
            .query_one(
                "select coalesce(comment, '') from pg_available_extensions where name = $1 and installed_version is not null",
                &[&name],
            )
            .await
            .unwrap()
            .get(0);
        assert!(comment.contains("supaform stand-in"), "{name}: {comment}");
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
