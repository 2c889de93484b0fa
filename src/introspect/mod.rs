//! Catalog introspection: a live database → the same [`Model`] the config lowers to.
//!
//! Every catalog is read by one query ([`queries`]) that returns a JSON array; the queries
//! are sent together as one simple-protocol batch inside a read-only repeatable-read
//! transaction with `SET LOCAL search_path = ''` (so every name comes back
//! schema-qualified). That is one round trip whatever the schema size, one consistent
//! snapshot, and no named prepared statements or session state (safe behind Supabase's
//! transaction-mode pooler).
//!
//! What the model cannot hold yet (materialized views, domains, overloaded functions,
//! exclusion constraints, …) is listed in [`Live::unmanaged`] rather than dropped silently.

mod buckets;
mod build;
mod collations;
mod parse;
pub mod platform;
pub mod queries;
mod sequences;

use crate::model::{Model, QName};
use miette::Diagnostic;
use thiserror::Error;

/// What to read.
#[derive(Debug, Clone)]
pub struct IntrospectOptions {
    /// The managed schemas (platform schemas are ignored even if listed).
    pub schemas: Vec<String>,
    /// Also every schema of the database that is neither the platform's nor an
    /// extension's (a configuration without `project.schemas`, `import` by default).
    pub all_user_schemas: bool,
    /// Roles added to `project.managed_roles` in the result (the defaults when empty).
    pub managed_roles: Vec<String>,
}

impl Default for IntrospectOptions {
    fn default() -> Self {
        IntrospectOptions {
            schemas: vec!["public".into()],
            all_user_schemas: false,
            managed_roles: crate::model::Project::default().managed_roles,
        }
    }
}

/// An object found live that the model cannot describe; reported, never managed.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct Unmanaged {
    /// `materialized view`, `domain`, `function`, …
    pub kind: String,
    /// Schema-qualified name (or `table.constraint`).
    pub name: String,
    pub reason: String,
}

/// The live state of one database.
#[derive(Debug, Clone)]
pub struct Live {
    pub model: Model,
    /// `server_version_num`, e.g. 150008.
    pub server_version_num: i32,
    /// Round trips to the server the introspection took.
    pub round_trips: usize,
    /// Indexes left invalid (e.g. by a failed `CREATE INDEX CONCURRENTLY`); not in the model.
    pub invalid_indexes: Vec<(QName, String)>,
    /// The planner's row estimate per table (`reltuples`; -1 when never analysed).
    pub row_estimates: std::collections::BTreeMap<QName, i64>,
    pub unmanaged: Vec<Unmanaged>,
}

#[derive(Debug, Error, Diagnostic)]
pub enum IntrospectError {
    #[error("reading the database catalogs failed: {0}")]
    #[diagnostic(
        code(supaform::introspect::query),
        help("the connecting role needs to read pg_catalog; PostgreSQL 14 or newer is required")
    )]
    Query(String),

    #[error("reading the database catalogs waited longer than {timeout} for a lock: {reason}")]
    #[diagnostic(
        code(supaform::introspect::locked),
        help("another session holds a strong lock on a table supaform reads (a running ALTER TABLE or migration, or a transaction left open): pg_stat_activity and pg_locks show which; try again once it is done, or set SUPAFORM_CATALOG_LOCK_TIMEOUT to wait longer")
    )]
    Locked { timeout: String, reason: String },

    #[error("unexpected catalog data ({what}): {reason}")]
    #[diagnostic(
        code(supaform::introspect::decode),
        help("this is a bug in supaform; please report it with your PostgreSQL version")
    )]
    Decode { what: String, reason: String },
}

/// The batch sent to the server for `opts`.
pub fn batch_sql(opts: &IntrospectOptions) -> String {
    let array = schemas_array(opts);
    let mut sql = read_only_begin();
    sql.push_str("SET LOCAL work_mem = '64MB';\n");
    for (_, q) in queries::all() {
        sql.push_str(&q.replace("{SCHEMAS}", &array));
        sql.push_str(";\n");
    }
    sql.push_str("COMMIT;");
    sql
}

/// The managed schemas as an SQL array, for a query's `{SCHEMAS}`.
fn schemas_array(opts: &IntrospectOptions) -> String {
    let schemas: Vec<String> = managed_schemas(opts)
        .iter()
        .map(|s| crate::quote::literal(s))
        .collect();
    let listed = format!("ARRAY[{}]::text[]", schemas.join(", "));
    if !opts.all_user_schemas {
        return listed;
    }
    let platform: Vec<String> = crate::model::PLATFORM_SCHEMAS
        .iter()
        .map(|s| crate::quote::literal(s))
        .collect();
    // Every user schema: not `pg_*`, not the platform's, not created by an extension.
    format!(
        "({listed} || ARRAY(SELECT u.nspname::text FROM pg_catalog.pg_namespace u \
         WHERE u.nspname NOT LIKE 'pg\\_%' AND u.nspname <> ALL (ARRAY[{}]::text[]) \
         AND NOT EXISTS (SELECT FROM pg_catalog.pg_depend d WHERE d.classid = 'pg_catalog.pg_namespace'::pg_catalog.regclass \
         AND d.objid = u.oid AND d.deptype = 'e')))",
        platform.join(", ")
    )
}

/// How every catalog read begins: one read-only snapshot, names printed schema-qualified,
/// and a bounded wait for locks (printing an expression locks its table: a session holding
/// a strong lock on one would make the read wait forever).
fn read_only_begin() -> String {
    format!(
        "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;\nSET LOCAL search_path = '';\nSET LOCAL lock_timeout = {};\n",
        crate::quote::literal(&catalog_lock_timeout())
    )
}

/// How long reading the catalogs waits for a lock (`SUPAFORM_CATALOG_LOCK_TIMEOUT`,
/// Postgres' syntax; default 30 s).
fn catalog_lock_timeout() -> String {
    std::env::var("SUPAFORM_CATALOG_LOCK_TIMEOUT")
        .ok()
        .filter(|v| !v.trim().is_empty())
        .unwrap_or_else(|| "30s".into())
}

/// The error of a failed catalog read: [`IntrospectError::Locked`] for a lock timeout.
fn query_error(e: &tokio_postgres::Error) -> IntrospectError {
    match e.as_db_error() {
        Some(db) if db.code() == &tokio_postgres::error::SqlState::LOCK_NOT_AVAILABLE => {
            IntrospectError::Locked {
                timeout: catalog_lock_timeout(),
                reason: db.message().to_string(),
            }
        }
        Some(db) => IntrospectError::Query(db.message().to_string()),
        None => IntrospectError::Query(e.to_string()),
    }
}

fn managed_schemas(opts: &IntrospectOptions) -> Vec<String> {
    let mut s: Vec<String> = opts
        .schemas
        .iter()
        .filter(|s| !crate::model::is_platform_schema(s))
        .cloned()
        .collect();
    s.sort();
    s.dedup();
    s
}

/// The role this connection creates objects as, and its default privileges in the managed
/// schemas: what the objects a plan creates will receive there. One round trip.
pub async fn creator_defaults(
    client: &tokio_postgres::Client,
    opts: &IntrospectOptions,
) -> Result<CreatorDefaults, IntrospectError> {
    let sql = format!(
        "SELECT current_user::text;\n{}",
        queries::DEFAULT_ACLS.replace("{SCHEMAS}", &schemas_array(opts))
    );
    let messages = client
        .simple_query(&sql)
        .await
        .map_err(|e| query_error(&e))?;
    let mut docs = messages.into_iter().filter_map(|m| match m {
        tokio_postgres::SimpleQueryMessage::Row(r) => r.get(0).map(str::to_string),
        _ => None,
    });
    let user = docs.next().unwrap_or_default();
    let privileges = build::default_privileges(&docs.next().unwrap_or_else(|| "[]".into()))?;
    Ok(CreatorDefaults { user, privileges })
}

/// See [`creator_defaults`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CreatorDefaults {
    /// `current_user`: the role whose default privileges new objects receive.
    pub user: String,
    pub privileges: Vec<crate::model::DefaultPrivilege>,
}

impl CreatorDefaults {
    /// The creator's own entries.
    pub fn own(&self) -> impl Iterator<Item = &crate::model::DefaultPrivilege> {
        self.privileges.iter().filter(|d| d.owner == self.user)
    }
}

/// Read the live state. One round trip, two where Supabase Storage's tables exist.
pub async fn introspect(
    client: &tokio_postgres::Client,
    opts: &IntrospectOptions,
) -> Result<Live, IntrospectError> {
    let sql = batch_sql(opts);
    let messages = match client.simple_query(&sql).await {
        Ok(m) => m,
        Err(e) => {
            // The transaction is aborted; end it so a pooled connection is left clean.
            let _ = client.simple_query("ROLLBACK").await;
            return Err(query_error(&e));
        }
    };
    let mut docs: Vec<String> = Vec::new();
    for m in messages {
        if let tokio_postgres::SimpleQueryMessage::Row(row) = m {
            docs.push(row.get(0).unwrap_or("[]").to_string());
        }
    }
    let names = queries::all();
    if docs.len() != names.len() {
        return Err(IntrospectError::Decode {
            what: "result count".into(),
            reason: format!("expected {} results, got {}", names.len(), docs.len()),
        });
    }
    // Storage buckets, where Supabase Storage's tables exist: a second round trip.
    let has_buckets = names
        .iter()
        .position(|(n, _)| *n == "has_buckets")
        .is_some_and(|i| docs[i] != "[]");
    let buckets = if has_buckets {
        let rows = client
            .simple_query(queries::BUCKETS)
            .await
            .map_err(|e| query_error(&e))?;
        let doc = rows
            .into_iter()
            .find_map(|m| match m {
                tokio_postgres::SimpleQueryMessage::Row(r) => r.get(0).map(str::to_string),
                _ => None,
            })
            .unwrap_or_else(|| "[]".into());
        Some(buckets::buckets(&doc)?)
    } else {
        None
    };
    // Decoding is CPU work (tens of milliseconds for thousands of tables): on a blocking
    // thread, so the runtime goes on reading other connections meanwhile (`diff` reads two
    // databases at once).
    let opts = opts.clone();
    let managed = managed_schemas(&opts);
    let mut live =
        tokio::task::spawn_blocking(move || build::build(&names, &docs, &opts, &managed))
            .await
            .map_err(|e| IntrospectError::Decode {
                what: "catalog rows".into(),
                reason: e.to_string(),
            })??;
    live.round_trips = 1;
    if let Some(b) = buckets {
        live.model.buckets = b;
        live.round_trips += 1;
    }
    Ok(live)
}
