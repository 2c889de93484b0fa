//! Shared test harness: one real PostgreSQL cluster per `target/` directory, started on
//! first use and reused by every test binary (and by later runs: starting is then
//! a no-op), plus cheap per-test databases cloned from the Supabase-like template.
//!
//! ```ignore
//! mod common;
//! #[tokio::test]
//! async fn something() {
//!     let url = common::fresh_db("something").await;
//!     // connect to `url` ...
//! }
//! ```
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;
use supaform::local::{Instance, LocalOptions};

/// Prefix of every database `fresh_db` creates: `t<pid>_<n>_<tag>`.
const PREFIX: &str = "t";

/// The cluster's cache directory: inside this worktree's target directory (reachable by
/// the `postgres` user when tests run as root; the library falls back to /var/tmp if not).
pub fn cache_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("supaform-test-cluster")
}

pub fn options() -> LocalOptions {
    LocalOptions {
        cache_dir: Some(cache_dir()),
        ..Default::default()
    }
}

/// The shared test server, started (or found running) on first call.
pub fn server() -> &'static Instance {
    static SERVER: OnceLock<Instance> = OnceLock::new();
    SERVER.get_or_init(|| {
        // Own thread and runtime: callers may already be inside a tokio runtime.
        std::thread::spawn(|| {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("tokio runtime for the test server");
            rt.block_on(async {
                let inst = supaform::local::start(&options())
                    .await
                    .unwrap_or_else(|e| {
                        panic!("starting the test server: {:?}", miette::Report::new(e))
                    });
                drop_stale_databases(&inst).await;
                inst
            })
        })
        .join()
        .expect("test server thread")
    })
}

/// A new database cloned from the template (roles, auth, storage, extensions, default
/// privileges), named after `tag` and unique in this test run. Returns its URL.
pub async fn fresh_db(tag: &str) -> String {
    static N: AtomicUsize = AtomicUsize::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    let clean: String = tag
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    let mut name = format!("{PREFIX}{}_{n}_{clean}", std::process::id());
    name.truncate(63);
    server().create_database(&name).await.unwrap_or_else(|e| {
        panic!(
            "creating test database {name}: {:?}",
            miette::Report::new(e)
        )
    })
}

/// A client for a URL `fresh_db` returned (the connection runs on the current runtime).
pub async fn connect(url: &str) -> tokio_postgres::Client {
    let (client, conn) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .unwrap_or_else(|e| panic!("connecting to {url}: {e}"));
    tokio::spawn(async move {
        let _ = conn.await;
    });
    client
}

/// Databases left by earlier test processes that are gone (their pid is in the name).
async fn drop_stale_databases(inst: &Instance) {
    let Ok(client) = inst.client("postgres").await else {
        return;
    };
    let Ok(rows) = client
        .query(
            "select datname from pg_catalog.pg_database where datname ~ '^t[0-9]+_[0-9]+_'",
            &[],
        )
        .await
    else {
        return;
    };
    for row in rows {
        let name: String = row.get(0);
        let pid: Option<u32> = name[PREFIX.len()..]
            .split('_')
            .next()
            .and_then(|p| p.parse().ok());
        let Some(pid) = pid else { continue };
        if pid != std::process::id() && !pid_alive(pid) {
            let _ = inst.drop_database(&name).await;
        }
    }
}

fn pid_alive(pid: u32) -> bool {
    std::path::Path::new(&format!("/proc/{pid}")).exists()
        || (!std::path::Path::new("/proc/self").exists()
            && i32::try_from(pid)
                // SAFETY: signal 0 only checks for existence.
                .map(|p| unsafe { libc::kill(p, 0) } == 0)
                .unwrap_or(false))
}
