//! Preflight: one session, never through Supabase's transaction pooler, holding
//! supaform's advisory lock so two applies never interleave.

use miette::Diagnostic;
use std::time::{Duration, Instant};
use thiserror::Error;

/// The advisory lock key: "SUPAFORM" as a 64-bit number.
pub const LOCK_KEY: i64 = 0x5355_5041_464F_524D;

#[derive(Debug, Error, Diagnostic)]
pub enum PreflightError {
    #[error("{0} is Supabase's transaction pooler (port 6543), which cannot run an apply")]
    #[diagnostic(
        code(supaform::apply::transaction_pooler),
        help("an apply needs one session for its lock and its transaction; use the direct connection (port 5432 on db.<ref>.supabase.co) or the session pooler (port 5432 on the pooler host) in database_url")
    )]
    TransactionPooler(String),
    #[error("another apply holds the lock on this database: {holder}")]
    #[diagnostic(
        code(supaform::apply::locked),
        help("wait for it to finish and run apply again; if that process is gone, its session still holds the lock until the server closes it")
    )]
    Locked { holder: String },
    #[error("cannot take the apply lock: {0}")]
    #[diagnostic(code(supaform::apply::lock))]
    Lock(String),
}

/// Refuse a URL pointing at the transaction pooler.
pub fn refuse_pooler(url: &crate::db::DbUrl) -> Result<(), PreflightError> {
    if url.port() == 6543 {
        return Err(PreflightError::TransactionPooler(url.redacted()));
    }
    Ok(())
}

fn first_value(msgs: &[tokio_postgres::SimpleQueryMessage]) -> Option<String> {
    msgs.iter().find_map(|m| match m {
        tokio_postgres::SimpleQueryMessage::Row(r) => r.get(0).map(str::to_string),
        _ => None,
    })
}

/// Take the session advisory lock, waiting up to `wait`; on timeout, name the holder.
pub async fn acquire(
    client: &tokio_postgres::Client,
    wait: Duration,
) -> Result<(), PreflightError> {
    let start = Instant::now();
    loop {
        let msgs = client
            .simple_query(&format!("SELECT pg_try_advisory_lock({LOCK_KEY})::text"))
            .await
            .map_err(|e| PreflightError::Lock(e.to_string()))?;
        if first_value(&msgs).as_deref() == Some("true") {
            return Ok(());
        }
        if start.elapsed() >= wait {
            return Err(PreflightError::Locked {
                holder: holder(client).await,
            });
        }
        tokio::time::sleep(super::exec::LOCK_POLL).await;
    }
}

/// Release the lock (also released when the session ends).
pub async fn release(client: &tokio_postgres::Client) {
    let _ = client
        .simple_query(&format!("SELECT pg_advisory_unlock({LOCK_KEY})"))
        .await;
}

/// Who holds the lock: pid, application name, since when.
pub async fn holder(client: &tokio_postgres::Client) -> String {
    let classid = (LOCK_KEY >> 32) as u32;
    let objid = (LOCK_KEY & 0xFFFF_FFFF) as u32;
    let sql = format!(
        "SELECT format('pid %s (%s, %s@%s), holding it since %s', a.pid, coalesce(nullif(a.application_name, ''), 'unnamed'), a.usename, coalesce(host(a.client_addr), 'local socket'), to_char(coalesce(a.xact_start, a.backend_start) AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS \"UTC\"')) \
         FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid \
         WHERE l.locktype = 'advisory' AND l.granted AND l.classid = {classid} AND l.objid = {objid} AND l.objsubid = 1 \
         AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) LIMIT 1"
    );
    match client.simple_query(&sql).await {
        Ok(m) => first_value(&m).unwrap_or_else(|| "a session that has since ended".to_string()),
        Err(e) => format!("unknown ({e})"),
    }
}
