//! The database backend (`state = "database"`): the state lives in the target database
//! itself, in `supaform.state`, one row per environment, and is written inside the
//! apply's transaction, so schema changes and the state that records them commit together.
//!
//! The `supaform` schema is created on first save. Nothing is granted on it: `PUBLIC`,
//! `anon` and `authenticated` get no privilege (revoked explicitly, in case default
//! privileges granted some), so the Data API cannot read it.

use super::{State, StateError};
use tokio_postgres::{GenericClient, Transaction};

/// Creates the schema and table; idempotent, serialised by a transaction-level advisory
/// lock (a multi-statement simple query runs as one transaction even outside `BEGIN`).
const SCHEMA_SQL: &str = r#"
SELECT pg_catalog.pg_advisory_xact_lock(7365636174650001);
CREATE SCHEMA IF NOT EXISTS supaform;
REVOKE ALL ON SCHEMA supaform FROM PUBLIC;
CREATE TABLE IF NOT EXISTS supaform.state (
    environment text PRIMARY KEY,
    lineage text NOT NULL,
    serial bigint NOT NULL,
    state jsonb NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT pg_catalog.now()
);
REVOKE ALL ON TABLE supaform.state FROM PUBLIC;
DO $supaform$
DECLARE
    r text;
BEGIN
    FOREACH r IN ARRAY ARRAY['anon', 'authenticated'] LOOP
        IF EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = r) THEN
            EXECUTE pg_catalog.format('REVOKE ALL ON SCHEMA supaform FROM %I', r);
            EXECUTE pg_catalog.format('REVOKE ALL ON TABLE supaform.state FROM %I', r);
        END IF;
    END LOOP;
END
$supaform$;
"#;

const EXISTS_SQL: &str = "SELECT pg_catalog.to_regclass('supaform.state') IS NOT NULL";
const LOAD_SQL: &str = "SELECT state::text FROM supaform.state WHERE environment = $1";
const LOAD_FOR_UPDATE_SQL: &str =
    "SELECT state::text FROM supaform.state WHERE environment = $1 FOR UPDATE";
const CURRENT_SQL: &str =
    "SELECT lineage, serial FROM supaform.state WHERE environment = $1 FOR UPDATE";
const UPSERT_SQL: &str =
    "INSERT INTO supaform.state (environment, lineage, serial, state, updated_at) \
     VALUES ($1, $2, $3, $4::text::jsonb, pg_catalog.now()) \
     ON CONFLICT (environment) DO UPDATE SET lineage = EXCLUDED.lineage, \
     serial = EXCLUDED.serial, state = EXCLUDED.state, updated_at = EXCLUDED.updated_at";

/// Sessions other than ours holding a lock on `supaform.state` taken by a writer
/// (`SELECT … FOR UPDATE` or a write), oldest transaction first.
const HOLDER_SQL: &str = "SELECT a.pid, coalesce(a.application_name, ''), \
            coalesce(pg_catalog.to_char(a.xact_start AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), '') \
     FROM pg_catalog.pg_locks l JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid \
     WHERE l.locktype = 'relation' AND l.relation = pg_catalog.to_regclass('supaform.state') \
       AND l.granted AND l.mode IN ('RowShareLock', 'RowExclusiveLock') \
       AND l.pid <> pg_catalog.pg_backend_pid() \
     ORDER BY a.xact_start NULLS LAST LIMIT 1";

/// The state of one environment, kept in its target database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatabaseBackend {
    pub environment: String,
}

impl DatabaseBackend {
    pub fn new(environment: &str) -> DatabaseBackend {
        DatabaseBackend {
            environment: environment.to_string(),
        }
    }

    pub fn describe(&self) -> String {
        format!(
            "supaform.state in the database of environment `{}`",
            self.environment
        )
    }

    fn origin(&self) -> String {
        format!("supaform.state[{}]", self.environment)
    }

    /// Who holds the state row: `pid N (application) since T`, when another session has
    /// it locked for writing (for the message after a `lock_timeout`).
    pub async fn holder(client: &(impl GenericClient + Sync)) -> Option<String> {
        let row = client.query_opt(HOLDER_SQL, &[]).await.ok()??;
        let pid: i32 = row.get(0);
        let app: String = row.get(1);
        let since: String = row.get(2);
        let mut h = format!("pid {pid}");
        if !app.is_empty() {
            h.push_str(&format!(" ({app})"));
        }
        if !since.is_empty() {
            h.push_str(&format!(" since {since}"));
        }
        Some(h)
    }

    /// Create the `supaform` schema and its `state` table if missing, readable by no API
    /// role.
    pub async fn ensure_schema(client: &(impl GenericClient + Sync)) -> Result<(), StateError> {
        client
            .batch_execute(SCHEMA_SQL)
            .await
            .map_err(|e| db_error("could not create the supaform.state table", &e))
    }

    async fn exists(client: &(impl GenericClient + Sync)) -> Result<bool, StateError> {
        let row = client
            .query_one(EXISTS_SQL, &[])
            .await
            .map_err(|e| db_error("could not look for supaform.state", &e))?;
        Ok(row.get(0))
    }

    /// The state, or `None` when there is none yet (no table, or no row for this
    /// environment).
    pub async fn load(
        &self,
        client: &(impl GenericClient + Sync),
    ) -> Result<Option<State>, StateError> {
        self.load_with(client, LOAD_SQL).await
    }

    /// [`DatabaseBackend::load`], locking the row until the transaction ends, so no other
    /// writer can slip in between reading and writing.
    pub async fn load_for_update(&self, tx: &Transaction<'_>) -> Result<Option<State>, StateError> {
        self.load_with(tx, LOAD_FOR_UPDATE_SQL).await
    }

    async fn load_with(
        &self,
        client: &(impl GenericClient + Sync),
        sql: &str,
    ) -> Result<Option<State>, StateError> {
        if !Self::exists(client).await? {
            return Ok(None);
        }
        let row = client
            .query_opt(sql, &[&self.environment])
            .await
            .map_err(|e| db_error("could not read supaform.state", &e))?;
        match row {
            None => Ok(None),
            Some(row) => {
                let text: String = row.get(0);
                State::parse(&text, &self.origin()).map(Some)
            }
        }
    }

    /// Write `s` inside `tx` (the apply's transaction phase, or a client inside an open
    /// `BEGIN`): it commits, or rolls back,
    /// with the changes it records. Creates the table on first use. Refuses a state of
    /// another lineage, or a serial not newer than the stored one.
    pub async fn save_in(
        &self,
        tx: &(impl GenericClient + Sync),
        s: &State,
    ) -> Result<(), StateError> {
        self.write(tx, s, true).await
    }

    /// [`DatabaseBackend::save_in`] without the lineage and serial checks
    /// (`state push --force`).
    pub async fn save_forced_in(&self, tx: &Transaction<'_>, s: &State) -> Result<(), StateError> {
        self.write(tx, s, false).await
    }

    async fn write(
        &self,
        tx: &(impl GenericClient + Sync),
        s: &State,
        check: bool,
    ) -> Result<(), StateError> {
        if s.environment != self.environment {
            return Err(StateError::Conflict {
                origin: self.origin(),
                reason: format!("the new state belongs to environment `{}`", s.environment),
            });
        }
        let serial = i64::try_from(s.serial).map_err(|_| StateError::Invalid {
            origin: self.origin(),
            reason: format!("serial {} is out of range", s.serial),
        })?;
        if !Self::exists(tx).await? {
            Self::ensure_schema(tx).await?;
        }
        let current = tx
            .query_opt(CURRENT_SQL, &[&self.environment])
            .await
            .map_err(|e| db_error("could not read supaform.state", &e))?;
        if let (true, Some(row)) = (check, current) {
            let lineage: String = row.get(0);
            let stored: i64 = row.get(1);
            if lineage != s.lineage {
                return Err(StateError::Conflict {
                    origin: self.origin(),
                    reason: format!("it holds lineage {lineage}, the new state {}", s.lineage),
                });
            }
            if stored >= serial {
                return Err(StateError::Conflict {
                    origin: self.origin(),
                    reason: format!("it holds serial {stored}, the new state {}", s.serial),
                });
            }
        }
        let json = s.to_json();
        tx.execute(UPSERT_SQL, &[&self.environment, &s.lineage, &serial, &json])
            .await
            .map_err(|e| db_error("could not write supaform.state", &e))?;
        Ok(())
    }
}

fn db_error(what: &str, e: &tokio_postgres::Error) -> StateError {
    if e.code() == Some(&tokio_postgres::error::SqlState::LOCK_NOT_AVAILABLE) {
        return StateError::Locked {
            path: "supaform.state".into(),
            holder: "another session (an apply or a state command)".into(),
            waited: "lock_timeout expired".into(),
        };
    }
    let reason = match e.as_db_error() {
        Some(d) => format!("{} ({})", d.message(), d.code().code()),
        None => e.to_string(),
    };
    StateError::Database {
        what: what.to_string(),
        reason,
    }
}
