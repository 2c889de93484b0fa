//! Errors of the embedded Postgres. Each says what failed and how to fix it.

use miette::Diagnostic;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error, Diagnostic)]
pub enum LocalError {
    #[error("no PostgreSQL server binaries (initdb, postgres) found{searched}")]
    #[diagnostic(
        code(supaform::local::no_binaries),
        help(
            "supaform runs its local database with the PostgreSQL binaries already on the machine. \
             Install them (`apt-get install postgresql` on Debian/Ubuntu, `dnf install postgresql-server` on Fedora, \
             `brew install postgresql@16` on macOS), or point SUPAFORM_PG_BIN_DIR at the directory holding `initdb` and `postgres`"
        )
    )]
    NoBinaries {
        /// ": searched PATH, …" (pre-rendered, may be empty)
        searched: String,
    },

    #[error("PostgreSQL {found} is too old for the local database (at {bin_dir})")]
    #[diagnostic(
        code(supaform::local::unsupported_version),
        help("install PostgreSQL {min} or newer (Supabase runs 15 and 17), or set SUPAFORM_PG_BIN_DIR to a newer installation")
    )]
    UnsupportedVersion {
        found: String,
        min: u32,
        bin_dir: PathBuf,
    },

    #[error("cache directory {path} is not usable: {reason}")]
    #[diagnostic(
        code(supaform::local::cache_dir),
        help("set SUPAFORM_CACHE_DIR to a writable directory (when running as root, one the `postgres` user can reach, e.g. under /var/tmp)")
    )]
    CacheDir { path: PathBuf, reason: String },

    #[error("cannot run PostgreSQL as root and there is no `postgres` system user to run it as")]
    #[diagnostic(
        code(supaform::local::no_postgres_user),
        help("PostgreSQL refuses to run as root. Run supaform as an ordinary user, or create the user: `useradd --system postgres` (installing the postgresql package creates it)")
    )]
    NoPostgresUser,

    #[error("initdb failed for {data_dir} (exit {status})\n{output}")]
    #[diagnostic(
        code(supaform::local::initdb_failed),
        help("the cluster directory was removed so the next start tries again; if the error persists, check free disk space and that the cache directory is writable")
    )]
    InitdbFailed {
        data_dir: PathBuf,
        status: String,
        output: String,
    },

    #[error("could not find a free port on 127.0.0.1: {reason}")]
    #[diagnostic(
        code(supaform::local::port),
        help("the local database listens on a free loopback port; check that binding to 127.0.0.1 is allowed on this machine")
    )]
    Port { reason: String },

    #[error("the local PostgreSQL server did not start{reason}\nlast lines of {log}:\n{tail}")]
    #[diagnostic(
        code(supaform::local::start_failed),
        help("read the server log above; `supaform local stop` then `supaform local start` retries; deleting the cache directory starts from scratch (local data is lost)")
    )]
    StartFailed {
        reason: String,
        log: PathBuf,
        tail: String,
    },

    #[error("the local PostgreSQL server (pid {pid}) is running but does not accept connections on port {port}\nlast lines of {log}:\n{tail}")]
    #[diagnostic(
        code(supaform::local::unresponsive),
        help("run `supaform local stop` and start it again")
    )]
    Unresponsive {
        pid: u32,
        port: u16,
        log: PathBuf,
        tail: String,
    },

    #[error("the local PostgreSQL server (pid {pid}) did not stop within {seconds}s")]
    #[diagnostic(
        code(supaform::local::stop_failed),
        help("stop it by hand: `kill -QUIT {pid}`")
    )]
    StopFailed { pid: u32, seconds: u64 },

    #[error("timed out after {seconds}s waiting for another supaform process to start the local database (lock {path})")]
    #[diagnostic(
        code(supaform::local::lock_timeout),
        help("another `supaform` is starting or stopping the local database; if none is running, retry")
    )]
    LockTimeout { path: PathBuf, seconds: u64 },

    #[error("could not run {program}: {source}")]
    #[diagnostic(
        code(supaform::local::spawn),
        help("check that the PostgreSQL installation is complete and executable")
    )]
    Spawn {
        program: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("{action}: {source}")]
    #[diagnostic(
        code(supaform::local::io),
        help("check permissions and free space of the cache directory")
    )]
    Io {
        action: String,
        #[source]
        source: std::io::Error,
    },

    #[error("could not set up the Supabase-like schema in the local database: {message}")]
    #[diagnostic(
        code(supaform::local::bootstrap),
        help("the extensions pgcrypto and uuid-ossp must be available: install the PostgreSQL contrib package (e.g. `apt-get install postgresql-contrib`); then run `supaform local start` again")
    )]
    Bootstrap { message: String },

    #[error("the dev server at {target} cannot be used: {reason}")]
    #[diagnostic(
        code(supaform::local::dev_server),
        help("--dev-url (SUPAFORM_DEV_URL) names a throwaway PostgreSQL server — never production — where its user can create databases (and the roles anon, authenticated, service_role, authenticator where they are missing); leave it unset to use the embedded local server")
    )]
    DevServer { target: String, reason: String },

    #[error("local database query failed ({action}): {message}")]
    #[diagnostic(
        code(supaform::local::sql),
        help("the local server may have been stopped meanwhile; `supaform local status` shows it")
    )]
    Sql { action: String, message: String },

    #[error("`{name}` cannot be used as a database name here: {reason}")]
    #[diagnostic(
        code(supaform::local::database_name),
        help("use a name of 1 to 63 bytes that is not one of postgres, template0, template1, supaform_template")
    )]
    DatabaseName { name: String, reason: String },
}

impl LocalError {
    pub(crate) fn io(action: impl Into<String>, source: std::io::Error) -> Self {
        LocalError::Io {
            action: action.into(),
            source,
        }
    }

    pub(crate) fn sql(action: impl Into<String>, e: &tokio_postgres::Error) -> Self {
        LocalError::Sql {
            action: action.into(),
            message: pg_message(e),
        }
    }
}

/// The server's message (with detail and hint) when there is one, else the client error.
pub(crate) fn pg_message(e: &tokio_postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => {
            let mut s = db.message().to_string();
            if let Some(d) = db.detail() {
                s.push_str(" (");
                s.push_str(d);
                s.push(')');
            }
            if let Some(h) = db.hint() {
                s.push_str("; hint: ");
                s.push_str(h);
            }
            s
        }
        None => e.to_string(),
    }
}
