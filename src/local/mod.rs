//! The embedded Supabase-like Postgres (DESIGN.md §8).
//!
//! A cluster is created with the PostgreSQL binaries already on the machine
//! ([`find_binaries`]) in a per-user cache directory, listens on 127.0.0.1 only (trust
//! authentication on loopback and its own unix socket directory, no password exists),
//! and is bootstrapped to look like a Supabase project ([`bootstrap`]): the API roles,
//! `auth`, `storage`, `extensions`, and Supabase's default privileges in `public`.
//!
//! Layout of the cache directory:
//!
//! ```text
//! <cache>/lock              flock taken by start/stop/reset (several processes may race)
//! <cache>/pg<major>/data    the cluster (one per major version)
//! <cache>/pg<major>/run     unix socket directory
//! <cache>/pg<major>/server.log
//! ```
//!
//! The server runs detached (own session) and outlives the command that started it;
//! `start` reuses a running server and recovers from a crash (stale `postmaster.pid`).

pub mod binaries;
pub mod bootstrap;
pub mod dev;
mod error;
pub mod install;
mod process;
mod scratch;

pub use binaries::{find_binaries, find_binaries_in, Binaries, SearchPaths};
pub use dev::{dev_server, DevServer};
pub use error::LocalError;
pub(crate) use process::alive as process_alive;

use process::RunAs;
use std::fs::{File, OpenOptions};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

/// The database the built-in `local` environment uses.
pub const LOCAL_DATABASE: &str = "supaform_local";
/// Bootstrapped once; every other database (local, tests, normalisation) is cloned from it.
pub const TEMPLATE_DATABASE: &str = "supaform_template";

const LOCK_TIMEOUT: Duration = Duration::from_secs(180);
const READY_TIMEOUT: Duration = Duration::from_secs(60);
const STOP_TIMEOUT: Duration = Duration::from_secs(30);
const LOG_ROTATE_BYTES: u64 = 8 * 1024 * 1024;

#[derive(Debug, Clone, Default)]
pub struct LocalOptions {
    /// `None`: [`default_cache_dir`].
    pub cache_dir: Option<PathBuf>,
    /// The dev server for normalisation and rehearsal (`--dev-url`); `None`: the embedded
    /// local server. Its `Debug` hides the password.
    pub dev_url: Option<crate::db::DbUrl>,
}

/// A running local server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instance {
    pub port: u16,
    pub data_dir: PathBuf,
    pub socket_dir: PathBuf,
    pub bin_dir: PathBuf,
    pub major_version: u32,
    pub pid: u32,
    /// The cache directory actually used (see [`resolve_cache_dir`]).
    pub cache_dir: PathBuf,
    pub log_file: PathBuf,
    /// True when `start` found the server already running.
    pub reused: bool,
}

impl Instance {
    /// `postgresql://postgres@127.0.0.1:PORT/DB`. No password: trust on loopback only.
    pub fn url(&self, database: &str) -> String {
        const SET: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
            .remove(b'-')
            .remove(b'_')
            .remove(b'.');
        format!(
            "postgresql://postgres@127.0.0.1:{}/{}",
            self.port,
            percent_encoding::utf8_percent_encode(database, SET)
        )
    }

    /// A connection as `postgres` to `database` (its driver task runs on the current runtime).
    pub async fn client(&self, database: &str) -> Result<tokio_postgres::Client, LocalError> {
        connect(self.port, database).await
    }

    /// `CREATE DATABASE name TEMPLATE supaform_template`, dropping an existing database of
    /// that name first. Returns its URL.
    pub async fn create_database(&self, name: &str) -> Result<String, LocalError> {
        check_database_name(name)?;
        let client = connect(self.port, "postgres").await?;
        let q = crate::quote::ident(name);
        client
            .batch_execute(&format!("drop database if exists {q} with (force)"))
            .await
            .map_err(|e| LocalError::sql(format!("dropping database {name}"), &e))?;
        client
            .batch_execute(&format!(
                "create database {q} template {}",
                crate::quote::ident(TEMPLATE_DATABASE)
            ))
            .await
            .map_err(|e| LocalError::sql(format!("creating database {name}"), &e))?;
        Ok(self.url(name))
    }

    /// The directory in memory where scratch databases go on this machine, if any
    /// (`scratch.rs`).
    pub fn scratch_directory(&self) -> Option<PathBuf> {
        scratch::ram_dir(&self.data_dir)
    }

    /// A throwaway database (normalisation, rehearsal) made from the template: in memory
    /// when the machine allows it (`scratch.rs`), else like [`Instance::create_database`].
    /// The caller drops it with [`Instance::drop_database`].
    pub async fn create_scratch_database(&self, name: &str) -> Result<String, LocalError> {
        check_database_name(name)?;
        let client = connect(self.port, "postgres").await?;
        if let Some(tablespace) = scratch::tablespace(self, &client).await {
            let q = crate::quote::ident(name);
            let _ = client
                .batch_execute(&format!("drop database if exists {q} with (force)"))
                .await;
            let made = client
                .batch_execute(&format!(
                    "create database {q} template {} tablespace {}",
                    crate::quote::ident(TEMPLATE_DATABASE),
                    crate::quote::ident(tablespace)
                ))
                .await;
            if made.is_ok() {
                return Ok(self.url(name));
            }
        }
        self.create_database(name).await
    }

    /// `DROP DATABASE IF EXISTS name WITH (FORCE)` (open connections are terminated).
    pub async fn drop_database(&self, name: &str) -> Result<(), LocalError> {
        check_database_name(name)?;
        let client = connect(self.port, "postgres").await?;
        client
            .batch_execute(&format!(
                "drop database if exists {} with (force)",
                crate::quote::ident(name)
            ))
            .await
            .map_err(|e| LocalError::sql(format!("dropping database {name}"), &e))
    }
}

fn check_database_name(name: &str) -> Result<(), LocalError> {
    let bad = |reason: &str| {
        Err(LocalError::DatabaseName {
            name: name.to_string(),
            reason: reason.to_string(),
        })
    };
    if name.is_empty() {
        return bad("it is empty");
    }
    if name.len() > 63 {
        return bad("it is longer than 63 bytes (Postgres would truncate it)");
    }
    if name.contains('\0') {
        return bad("it contains a NUL byte");
    }
    if ["postgres", "template0", "template1", TEMPLATE_DATABASE].contains(&name) {
        return bad("it is reserved");
    }
    Ok(())
}

/// `$SUPAFORM_CACHE_DIR`, else `$XDG_CACHE_HOME/supaform`, else `~/.cache/supaform`.
pub fn default_cache_dir() -> Option<PathBuf> {
    let var = |k: &str| {
        std::env::var_os(k)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    if let Some(d) = var("SUPAFORM_CACHE_DIR") {
        return Some(d);
    }
    if let Some(d) = var("XDG_CACHE_HOME") {
        return Some(d.join("supaform"));
    }
    var("HOME").map(|h| h.join(".cache").join("supaform"))
}

/// The cache directory to use: the requested (or default) one. When this process is
/// root and the `postgres` user cannot reach that directory (e.g. under `/root`, mode 700),
/// `/var/tmp/supaform-<hash of the requested path>` is used instead. Creates nothing.
pub fn resolve_cache_dir(opts: &LocalOptions) -> Result<PathBuf, LocalError> {
    let user = process::run_as()?;
    resolve_cache_dir_for(opts, user.as_ref(), false)
}

/// With `create`, the chosen directory is created; without, nothing is touched.
fn resolve_cache_dir_for(
    opts: &LocalOptions,
    user: Option<&RunAs>,
    create: bool,
) -> Result<PathBuf, LocalError> {
    let requested = opts
        .cache_dir
        .clone()
        .or_else(default_cache_dir)
        .ok_or_else(|| LocalError::CacheDir {
            path: PathBuf::from("~/.cache/supaform"),
            reason: "neither SUPAFORM_CACHE_DIR, XDG_CACHE_HOME nor HOME is set".into(),
        })?;
    let requested = std::path::absolute(&requested).map_err(|e| LocalError::CacheDir {
        path: requested.clone(),
        reason: e.to_string(),
    })?;
    if create {
        create_dir(&requested)?;
    }
    let Some(u) = user else {
        return Ok(requested);
    };
    // Without `create`, predict what `start` would decide: a missing directory would be
    // created (mode 755) below its nearest existing ancestor.
    let existing = requested
        .ancestors()
        .find(|a| a.exists())
        .unwrap_or(&requested);
    if process::reachable_by(existing, u) {
        return Ok(requested);
    }
    let hash = blake3::hash(requested.as_os_str().as_encoded_bytes()).to_hex();
    let fallback = PathBuf::from("/var/tmp").join(format!("supaform-{}", &hash[..12]));
    if create {
        create_dir(&fallback)?;
        let _ = std::fs::set_permissions(&fallback, std::fs::Permissions::from_mode(0o755));
        if !process::reachable_by(&fallback, u) {
            return Err(LocalError::CacheDir {
                path: fallback,
                reason: "the `postgres` user cannot reach it".into(),
            });
        }
    }
    Ok(fallback)
}

fn create_dir(path: &Path) -> Result<(), LocalError> {
    std::fs::create_dir_all(path).map_err(|e| LocalError::CacheDir {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })?;
    let md = std::fs::metadata(path).map_err(|e| LocalError::CacheDir {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })?;
    if md.permissions().readonly() {
        return Err(LocalError::CacheDir {
            path: path.to_path_buf(),
            reason: "it is read-only".into(),
        });
    }
    Ok(())
}

/// Start the local server (initdb on first use), or reuse the running one; then make sure
/// the bootstrap is current and `supaform_local` exists. Safe to call concurrently from
/// several processes.
pub async fn start(opts: &LocalOptions) -> Result<Instance, LocalError> {
    start_locked(opts).await.map(|(inst, _lock)| inst)
}

/// [`start`], returning the start lock still held.
async fn start_locked(opts: &LocalOptions) -> Result<(Instance, process::Lock), LocalError> {
    let user = process::run_as()?;
    let cache = resolve_cache_dir_for(opts, user.as_ref(), true)?;
    let lock = process::lock(&cache.join("lock"), LOCK_TIMEOUT).await?;
    if let Some(inst) = running(&cache, true).await? {
        bootstrap::ensure(&inst).await?;
        return Ok((inst, lock));
    }
    let bins = find_binaries()?;
    // Run from a private tree that offers stand-ins of Supabase's extensions; without one
    // (no pg_config) the server starts as installed, and `create extension` of them fails
    // with Postgres' own error, at the configuration's block.
    let (bins, _without_standins) = install::prepare(&cache, &bins);
    let inst = boot(&cache, &bins, user.as_ref()).await?;
    bootstrap::ensure(&inst).await?;
    Ok((inst, lock))
}

/// Stop the local server (fast shutdown: open sessions are closed). `Ok(false)` when none
/// was running.
pub async fn stop(opts: &LocalOptions) -> Result<bool, LocalError> {
    let user = process::run_as()?;
    let cache = resolve_cache_dir_for(opts, user.as_ref(), false)?;
    if !cache.is_dir() {
        return Ok(false);
    }
    let _lock = process::lock(&cache.join("lock"), LOCK_TIMEOUT).await?;
    let mut stopped = false;
    for cluster in clusters(&cache) {
        let Some(pf) = process::read_pid_file(&cluster.join("data")) else {
            continue;
        };
        if !process::alive(pf.pid) || !process::is_postgres(pf.pid) {
            continue;
        }
        process::signal(pf.pid, libc::SIGINT);
        if !wait_exit(pf.pid, STOP_TIMEOUT).await {
            process::signal(pf.pid, libc::SIGQUIT);
            if !wait_exit(pf.pid, Duration::from_secs(10)).await {
                return Err(LocalError::StopFailed {
                    pid: pf.pid,
                    seconds: STOP_TIMEOUT.as_secs() + 10,
                });
            }
        }
        stopped = true;
    }
    Ok(stopped)
}

/// The running server of this cache directory, if any. Starts nothing.
pub async fn status(opts: &LocalOptions) -> Result<Option<Instance>, LocalError> {
    let user = process::run_as()?;
    let cache = resolve_cache_dir_for(opts, user.as_ref(), false)?;
    running(&cache, false).await
}

/// Drop `supaform_local` and create it again from the template (starting the server if
/// needed). Everything in the local database is lost.
pub async fn reset(opts: &LocalOptions) -> Result<Instance, LocalError> {
    // Under the start lock: a concurrent `start` must not see the database missing.
    let (inst, _lock) = start_locked(opts).await?;
    inst.create_database(LOCAL_DATABASE).await?;
    Ok(inst)
}

/// The cluster directories (`pg<major>`) of a cache directory, newest major first.
fn clusters(cache: &Path) -> Vec<PathBuf> {
    let Ok(rd) = std::fs::read_dir(cache) else {
        return vec![];
    };
    let mut found: Vec<(u32, PathBuf)> = rd
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            let major: u32 = name.strip_prefix("pg")?.parse().ok()?;
            Some((major, e.path()))
        })
        .collect();
    found.sort_by_key(|b| std::cmp::Reverse(b.0));
    found.into_iter().map(|(_, p)| p).collect()
}

/// A live server in `cache`. With `wait`, a server still starting up is waited for and
/// one that does not answer is an error; without, liveness of its pid is enough.
async fn running(cache: &Path, wait: bool) -> Result<Option<Instance>, LocalError> {
    for cluster in clusters(cache) {
        let data = cluster.join("data");
        let Some(pf) = process::read_pid_file(&data) else {
            continue;
        };
        if !process::alive(pf.pid) {
            continue; // stale pid file of a crashed server: postgres recovers on start
        }
        if !process::is_postgres(pf.pid) {
            // The pid was reused by an unrelated process (e.g. after a reboot): postgres
            // would refuse to start while the file names a live process. Only `start`
            // (which holds the lock) removes the file.
            if wait {
                let _ = std::fs::remove_file(data.join("postmaster.pid"));
            }
            continue;
        }
        if wait && pf.status == "stopping" {
            if wait_exit(pf.pid, STOP_TIMEOUT).await {
                continue;
            }
            return Err(LocalError::StopFailed {
                pid: pf.pid,
                seconds: STOP_TIMEOUT.as_secs(),
            });
        }
        let inst = instance(&cluster, &pf, true);
        if wait {
            let deadline = Instant::now() + READY_TIMEOUT;
            while connect(pf.port, "postgres").await.is_err() {
                if !process::alive(pf.pid) {
                    return Box::pin(running(cache, wait)).await;
                }
                if Instant::now() >= deadline {
                    return Err(LocalError::Unresponsive {
                        pid: pf.pid,
                        port: pf.port,
                        tail: process::log_tail(&inst.log_file, 0, 20),
                        log: inst.log_file,
                    });
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
        return Ok(Some(inst));
    }
    Ok(None)
}

fn instance(cluster: &Path, pf: &process::PidFile, reused: bool) -> Instance {
    let data_dir = cluster.join("data");
    let major_version = std::fs::read_to_string(data_dir.join("PG_VERSION"))
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(0);
    let bin_dir = std::fs::read_to_string(cluster.join("bin_dir"))
        .map(|s| PathBuf::from(s.trim()))
        .unwrap_or_default();
    Instance {
        port: pf.port,
        socket_dir: pf.socket_dir.clone().unwrap_or_else(|| cluster.join("run")),
        data_dir,
        bin_dir,
        major_version,
        pid: pf.pid,
        cache_dir: cluster.parent().map(Path::to_path_buf).unwrap_or_default(),
        log_file: cluster.join("server.log"),
        reused,
    }
}

async fn wait_exit(pid: u32, timeout: Duration) -> bool {
    let deadline = Instant::now() + timeout;
    while process::alive(pid) {
        if Instant::now() >= deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    true
}

/// initdb if needed, configure, start the server and wait until it accepts connections.
async fn boot(cache: &Path, bins: &Binaries, user: Option<&RunAs>) -> Result<Instance, LocalError> {
    let cluster = cache.join(format!("pg{}", bins.major_version));
    make_owned_dir(&cluster, user)?;
    let data = cluster.join("data");
    if !data.join("global").join("pg_control").is_file() || !data.join("PG_VERSION").is_file() {
        if data.exists() {
            // An initdb interrupted half-way: start over.
            std::fs::remove_dir_all(&data)
                .map_err(|e| LocalError::io(format!("could not remove {}", data.display()), e))?;
        }
        initdb(bins, &cluster, &data, user).await?;
    }
    write_owned(
        &data.join("pg_hba.conf"),
        "# Written by supaform on every start. Trust, but only on the unix socket and loopback.\n\
         local all all              trust\n\
         host  all all 127.0.0.1/32 trust\n\
         host  all all ::1/128      trust\n",
        user,
    )?;
    include_supaform_conf(&data)?;
    write_owned(
        &cluster.join("bin_dir"),
        &format!("{}\n", bins.bin_dir.display()),
        user,
    )?;
    let socket_dir = socket_dir(&cluster);
    make_owned_dir(&socket_dir, user)?;
    let log_path = cluster.join("server.log");
    rotate_log(&log_path);

    let mut preferred = std::fs::read_to_string(cluster.join("port"))
        .ok()
        .and_then(|s| s.trim().parse().ok());
    let mut attempt = 0;
    loop {
        attempt += 1;
        let port = process::free_port(preferred)?;
        write_owned(
            &data.join("supaform.conf"),
            &server_conf(port, &socket_dir),
            user,
        )?;
        let log = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log_path)
            .map_err(|e| LocalError::io(format!("could not open {}", log_path.display()), e))?;
        process::chown(&log_path, user)?;
        let offset = log.metadata().map(|m| m.len()).unwrap_or(0);
        let mut child = spawn_server(bins, &cluster, &data, &log, user)?;
        match wait_ready(port, &mut child).await {
            Ok(()) => {
                let pid = child.id();
                // Reap the server when it exits while this process lives (tests); when
                // this process exits first, the server is re-parented and keeps running.
                let _ = std::thread::Builder::new()
                    .name("supaform-postgres".into())
                    .spawn(move || {
                        let _ = child.wait();
                    });
                let _ = write_owned(&cluster.join("port"), &format!("{port}\n"), user);
                return Ok(Instance {
                    port,
                    data_dir: data,
                    socket_dir,
                    bin_dir: bins.bin_dir.clone(),
                    major_version: bins.major_version,
                    pid,
                    cache_dir: cache.to_path_buf(),
                    log_file: log_path,
                    reused: false,
                });
            }
            Err(reason) => {
                let tail = process::log_tail(&log_path, offset, 20);
                let port_taken = tail.contains("could not bind")
                    || tail.contains("Address already in use")
                    || tail.contains("could not create any TCP/IP sockets");
                let old_shm = tail.contains("pre-existing shared memory block")
                    || tail.contains("lock file") && tail.contains("already exists");
                if attempt < 6 && (port_taken || old_shm) {
                    if port_taken {
                        preferred = None;
                    } else {
                        // Processes of a killed server are still exiting.
                        tokio::time::sleep(Duration::from_millis(500)).await;
                    }
                    continue;
                }
                return Err(LocalError::StartFailed {
                    reason,
                    log: log_path,
                    tail,
                });
            }
        }
    }
}

/// The server's unix socket directory: `<cluster>/run`, unless that path is too long for
/// a socket address (about 100 bytes), then a short directory in the temp dir.
fn socket_dir(cluster: &Path) -> PathBuf {
    let dir = cluster.join("run");
    if dir.as_os_str().len() + "/.s.PGSQL.65535.lock".len() < 100 {
        return dir;
    }
    let hash = blake3::hash(cluster.as_os_str().as_encoded_bytes()).to_hex();
    std::env::temp_dir().join(format!("supaform-{}", &hash[..12]))
}

/// Settings for a disposable development server. fsync is off: a crash of the machine
/// can corrupt this cluster, which only ever holds throwaway local data. Memory settings
/// (`max_connections`, `shared_buffers`) stay as initdb chose them for this machine.
fn server_conf(port: u16, socket_dir: &Path) -> String {
    let sock = socket_dir.display().to_string().replace('\'', "''");
    format!(
        "# Written by supaform on every start; edits are overwritten.\n\
         listen_addresses = '127.0.0.1'\n\
         port = {port}\n\
         unix_socket_directories = '{sock}'\n\
         fsync = off\n\
         synchronous_commit = off\n\
         full_page_writes = off\n\
         wal_level = minimal\n\
         max_wal_senders = 0\n\
         huge_pages = off\n\
         timezone = 'UTC'\n\
         log_timezone = 'UTC'\n\
         log_line_prefix = '%m [%p] '\n\
         logging_collector = off\n"
    )
}

fn include_supaform_conf(data: &Path) -> Result<(), LocalError> {
    let path = data.join("postgresql.conf");
    let text = std::fs::read_to_string(&path)
        .map_err(|e| LocalError::io(format!("could not read {}", path.display()), e))?;
    const LINE: &str = "include_if_exists = 'supaform.conf'";
    if text.lines().any(|l| l.trim() == LINE) {
        return Ok(());
    }
    let mut f = OpenOptions::new()
        .append(true)
        .open(&path)
        .map_err(|e| LocalError::io(format!("could not open {}", path.display()), e))?;
    use std::io::Write;
    writeln!(
        f,
        "\n# Added by supaform: its settings (port, sockets, dev tuning).\n{LINE}"
    )
    .map_err(|e| LocalError::io(format!("could not write {}", path.display()), e))
}

fn make_owned_dir(dir: &Path, user: Option<&RunAs>) -> Result<(), LocalError> {
    std::fs::create_dir_all(dir).map_err(|e| LocalError::CacheDir {
        path: dir.to_path_buf(),
        reason: e.to_string(),
    })?;
    process::chown(dir, user)?;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
        .map_err(|e| LocalError::io(format!("could not chmod {}", dir.display()), e))
}

fn write_owned(path: &Path, contents: &str, user: Option<&RunAs>) -> Result<(), LocalError> {
    std::fs::write(path, contents)
        .map_err(|e| LocalError::io(format!("could not write {}", path.display()), e))?;
    process::chown(path, user)
}

fn rotate_log(path: &Path) {
    if std::fs::metadata(path).is_ok_and(|m| m.len() > LOG_ROTATE_BYTES) {
        let _ = std::fs::rename(path, path.with_extension("log.old"));
    }
}

async fn initdb(
    bins: &Binaries,
    cluster: &Path,
    data: &Path,
    user: Option<&RunAs>,
) -> Result<(), LocalError> {
    let mut cmd = tokio::process::Command::new(&bins.initdb);
    cmd.arg("-D")
        .arg(data)
        .args([
            "--username=postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C",
            "--no-sync",
        ])
        .current_dir(cluster)
        .stdin(Stdio::null())
        .env_remove("PGDATA");
    if let Some(u) = user {
        cmd.uid(u.uid).gid(u.gid);
    }
    let out = cmd.output().await.map_err(|e| LocalError::Spawn {
        program: bins.initdb.clone(),
        source: e,
    })?;
    if out.status.success() {
        return Ok(());
    }
    let _ = std::fs::remove_dir_all(data);
    let mut output = String::from_utf8_lossy(&out.stderr).into_owned();
    let stdout = String::from_utf8_lossy(&out.stdout);
    if output.trim().is_empty() {
        output = stdout.into_owned();
    }
    let lines: Vec<&str> = output.lines().collect();
    Err(LocalError::InitdbFailed {
        data_dir: data.to_path_buf(),
        status: out
            .status
            .code()
            .map_or_else(|| "by signal".to_string(), |c| c.to_string()),
        output: lines[lines.len().saturating_sub(20)..].join("\n"),
    })
}

fn spawn_server(
    bins: &Binaries,
    cluster: &Path,
    data: &Path,
    log: &File,
    user: Option<&RunAs>,
) -> Result<std::process::Child, LocalError> {
    let io = |e| LocalError::io("could not duplicate the log file handle", e);
    let mut cmd = std::process::Command::new(&bins.postgres);
    cmd.arg("-D")
        .arg(data)
        .current_dir(cluster)
        .env_remove("PGDATA")
        .stdin(Stdio::null())
        .stdout(log.try_clone().map_err(io)?)
        .stderr(log.try_clone().map_err(io)?);
    if let Some(u) = user {
        cmd.uid(u.uid).gid(u.gid);
    }
    // SAFETY: setsid is async-signal-safe; it detaches the server from our session and
    // process group, so a Ctrl-C or hang-up of the terminal does not reach it.
    unsafe {
        cmd.pre_exec(|| {
            if libc::setsid() == -1 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    cmd.spawn().map_err(|e| LocalError::Spawn {
        program: bins.postgres.clone(),
        source: e,
    })
}

/// Wait until the server accepts connections; `Err(reason)` if it exits or times out.
async fn wait_ready(port: u16, child: &mut std::process::Child) -> Result<(), String> {
    let deadline = Instant::now() + READY_TIMEOUT;
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            return Err(format!(" (postgres exited: {status})"));
        }
        if connect(port, "postgres").await.is_ok() {
            return Ok(());
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!(
                " within {}s (no connection on port {port})",
                READY_TIMEOUT.as_secs()
            ));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Connect as `postgres` over loopback TCP; the connection task runs on the current runtime.
pub(crate) async fn connect(
    port: u16,
    database: &str,
) -> Result<tokio_postgres::Client, LocalError> {
    let mut cfg = tokio_postgres::Config::new();
    cfg.host("127.0.0.1")
        .port(port)
        .user("postgres")
        .dbname(database)
        .application_name("supaform")
        .connect_timeout(Duration::from_secs(5));
    let (client, conn) = cfg
        .connect(tokio_postgres::NoTls)
        .await
        .map_err(|e| LocalError::sql(format!("connecting to {database}"), &e))?;
    tokio::spawn(async move {
        let _ = conn.await;
    });
    Ok(client)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inst() -> Instance {
        Instance {
            port: 5433,
            data_dir: "/d".into(),
            socket_dir: "/s".into(),
            bin_dir: "/b".into(),
            major_version: 15,
            pid: 1,
            cache_dir: "/c".into(),
            log_file: "/c/l".into(),
            reused: false,
        }
    }

    #[test]
    fn url_has_no_password_and_encodes_the_name() {
        assert_eq!(
            inst().url("supaform_local"),
            "postgresql://postgres@127.0.0.1:5433/supaform_local"
        );
        assert_eq!(
            inst().url("a b/c"),
            "postgresql://postgres@127.0.0.1:5433/a%20b%2Fc"
        );
    }

    #[test]
    fn reserved_and_long_names_are_refused() {
        assert!(check_database_name("postgres").is_err());
        assert!(check_database_name(TEMPLATE_DATABASE).is_err());
        assert!(check_database_name("").is_err());
        assert!(check_database_name(&"x".repeat(64)).is_err());
        assert!(check_database_name("t_ok").is_ok());
    }

    #[test]
    fn a_cache_dir_the_server_user_cannot_reach_falls_back_to_var_tmp() {
        use std::os::unix::fs::PermissionsExt;
        // A user that owns nothing: only "other" permission bits apply to it.
        let stranger = RunAs {
            uid: 54_321,
            gid: 54_321,
        };
        let private = tempfile::tempdir().unwrap();
        std::fs::set_permissions(private.path(), std::fs::Permissions::from_mode(0o700)).unwrap();
        let requested = private.path().join("cache");
        assert!(!process::reachable_by(private.path(), &stranger));
        let opts = LocalOptions {
            cache_dir: Some(requested.clone()),
            ..Default::default()
        };
        let chosen = resolve_cache_dir_for(&opts, Some(&stranger), false).unwrap();
        assert!(chosen.starts_with("/var/tmp"), "{}", chosen.display());
        assert!(chosen
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("supaform-"));
        // Stable: the same request maps to the same directory.
        assert_eq!(
            resolve_cache_dir_for(&opts, Some(&stranger), false).unwrap(),
            chosen
        );

        std::fs::set_permissions(private.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        if process::reachable_by(private.path(), &stranger) {
            assert_eq!(
                resolve_cache_dir_for(&opts, Some(&stranger), false).unwrap(),
                requested
            );
        }
        // Not root: the requested directory is used as is.
        assert_eq!(
            resolve_cache_dir_for(&opts, None, false).unwrap(),
            requested
        );
    }

    #[test]
    fn long_cluster_paths_get_a_short_socket_dir() {
        let short = Path::new("/var/tmp/s/pg15");
        assert_eq!(socket_dir(short), short.join("run"));
        let long = PathBuf::from(format!("/var/tmp/{}/pg15", "x".repeat(100)));
        assert!(socket_dir(&long).as_os_str().len() < 60);
    }
}
