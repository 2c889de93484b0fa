//! Backups taken before a step destroys or rewrites data, and `restore`, which puts them
//! back (DESIGN.md §5 step 2).
//!
//! A backup is a directory:
//!
//! | file | what |
//! |---|---|
//! | `<n>_<schema.table>.copy` | the rows, `COPY … TO STDOUT` in text format |
//! | `<n>_<schema.table>.sql` | the DDL to recreate the table (or column), in marked sections |
//! | `rollback.sql` | for people: how to put each object back by hand with psql |
//! | `manifest.json` | row counts, sizes, blake3 of every file; written last, atomically |
//!
//! A directory without `manifest.json` is an incomplete backup (interrupted before it
//! finished) and `restore` refuses it.
//!
//! **Why text format.** Every value goes through its type's own output function and comes
//! back through its input function, which Postgres guarantees to round-trip (floats
//! included, with `extra_float_digits = 3` on servers older than 12); pg_dump uses the same
//! format. Binary COPY would be no faster here (the server's per-row work dominates), but it
//! depends on the exact column types at restore time (a column whose enum was rebuilt, or
//! a staging table typed differently, cannot read it) and is documented as less portable
//! across server versions and architectures. Text files can also be read, grepped and
//! loaded with psql's `\copy` by a person, which is what a backup is for on a bad day.
//! A text row always ends with one `\n` (newlines inside values are escaped), so the row
//! count is the number of newlines in the file.
//!
//! **Consistency.** Every `COPY` of one backup runs in one `REPEATABLE READ READ ONLY`
//! transaction, so the files are one snapshot. The DDL comes from introspection, read just
//! before (its own snapshot); the applier holds its lock, so nothing changes in between.
//!
//! **Memory.** `COPY` output is streamed: the rows are gathered into 1 MiB chunks, handed
//! to a blocking writer task through a channel of four chunks (which hashes and writes
//! them), so memory stays flat whatever the table size and the network and the disk work
//! at the same time. Restore streams files into `COPY … FROM STDIN` in 1 MiB chunks.

use crate::introspect::{introspect, IntrospectError, IntrospectOptions};
use crate::model::{Column, GrantTarget, IndexPart, Model, QName, Table};
use crate::plan::{ddl, BackupSpec};
use crate::quote::{ident, literal};
use bytes::BytesMut;
use futures_util::{SinkExt, StreamExt};
use miette::Diagnostic;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use thiserror::Error;
use tokio::io::AsyncReadExt;

/// The version of the backup format `take` writes and `restore` reads.
pub const FORMAT_VERSION: u32 = 1;
pub const MANIFEST_FILE: &str = "manifest.json";
pub const ROLLBACK_FILE: &str = "rollback.sql";
/// Size of the chunks rows are written and read in.
const CHUNK: usize = 1 << 20;
/// Bytes written between two requests to start writing the file back to disk.
const FLUSH_AFTER: u64 = 8 << 20;
/// Chunks in flight between the COPY stream and the writer.
const CHANNEL_DEPTH: usize = 4;
/// The staging table of a column restore (temporary, dropped after each entry).
const STAGING: &str = "supaform_restore";
/// Marks the start of a section in a DDL file.
const MARKER: &str = "-- @supaform ";

/// `manifest.json`: what a backup holds. Written last; its presence means the backup is
/// complete.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub format_version: u32,
    /// RFC 3339, UTC.
    pub created_at: String,
    pub environment: String,
    /// Why the backup was taken, e.g. `before apply: drop table public.old`.
    pub reason: String,
    pub server_version_num: i32,
    pub entries: Vec<Entry>,
}

/// One backed-up table, or some columns of one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// `schema.table` (either part double-quoted when it holds a dot or starts with `"`).
    pub table: String,
    /// `None`: the whole table; else the columns saved (besides the key).
    pub columns: Option<Vec<String>>,
    /// Primary key columns, used to put column data back on the right rows.
    pub key: Vec<String>,
    /// The data file, relative to the backup directory.
    pub data_file: String,
    /// The DDL file, relative to the backup directory.
    pub ddl_file: String,
    pub rows: u64,
    /// Size of the data file.
    pub bytes: u64,
    /// blake3 of the data file, hex.
    pub blake3: String,
    /// The columns of the data file, in order (generated columns are never saved: Postgres
    /// computes them again).
    pub data_columns: Vec<String>,
    /// blake3 of the DDL file, hex.
    pub ddl_blake3: String,
}

/// What `restore` put back.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RestoreReport {
    pub tables: Vec<Restored>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Restored {
    pub table: String,
    pub columns: Option<Vec<String>>,
    /// Rows copied in (whole table) or updated (columns).
    pub rows: u64,
    /// Rows of the backup whose key matches no row any more (column entries).
    pub unmatched: u64,
    /// The table (or column) did not exist and was recreated from the DDL.
    pub recreated: bool,
    /// Statements after the data (indexes, foreign keys, policies, grants, …) that failed;
    /// the data is restored, these objects are not.
    pub warnings: Vec<String>,
}

#[derive(Debug, Error, Diagnostic)]
pub enum BackupError {
    #[error("cannot back up `{table}`: {reason}")]
    #[diagnostic(
        code(supaform::backup::invalid_spec),
        help("name tables as schema.table, and columns that exist in the table")
    )]
    InvalidSpec { table: String, reason: String },

    #[error("table `{table}` does not exist (or is not in a managed schema)")]
    #[diagnostic(
        code(supaform::backup::table_not_found),
        help("back up tables of the project's schemas; platform schemas are not managed")
    )]
    TableNotFound { table: String },

    #[error("{dir} already holds a backup (manifest.json)")]
    #[diagnostic(
        code(supaform::backup::dir_exists),
        help("write each backup into a new directory")
    )]
    DirExists { dir: String },

    #[error("{path}: {reason}")]
    #[diagnostic(
        code(supaform::backup::io),
        help("check that the directory is writable and the disk is not full")
    )]
    Io { path: String, reason: String },

    #[error("{what} failed: {reason}")]
    #[diagnostic(code(supaform::backup::query))]
    Query { what: String, reason: String },

    #[error(transparent)]
    #[diagnostic(transparent)]
    Introspect(#[from] IntrospectError),

    #[error("{dir} is not a complete backup: it has no manifest.json")]
    #[diagnostic(
        code(supaform::restore::no_manifest),
        help("the manifest is written last: a directory without one was interrupted before the backup finished, and its files cannot be trusted")
    )]
    NoManifest { dir: String },

    #[error("{dir} is an incomplete backup: the run writing it was interrupted")]
    #[diagnostic(
        code(supaform::restore::incomplete),
        help("a backup is written under a `.partial` name and renamed when complete; this one never was, so its files cannot be trusted. The next apply or backup of the environment removes it")
    )]
    Incomplete { dir: String },

    #[error("{path} is not a valid backup manifest: {reason}")]
    #[diagnostic(
        code(supaform::restore::bad_manifest),
        help("the manifest was edited or written by another version of supaform")
    )]
    BadManifest { path: String, reason: String },

    #[error("the backup is damaged: {file} {reason}")]
    #[diagnostic(
        code(supaform::restore::damaged),
        help("the file changed after the backup was taken; nothing was restored. Use another copy of the backup")
    )]
    Damaged { file: String, reason: String },

    #[error("the backup holds no table `{table}`")]
    #[diagnostic(
        code(supaform::restore::no_such_table),
        help("tables in this backup: {available}")
    )]
    NoSuchTable { table: String, available: String },

    #[error("table `{table}` already holds rows; restore puts a whole table back only into a missing or empty table")]
    #[diagnostic(
        code(supaform::restore::table_not_empty),
        help("rename or empty the table first (its current rows would be mixed with the backup's), or restore other tables with --table")
    )]
    TableNotEmpty { table: String },

    #[error("restoring `{table}` failed: {reason}")]
    #[diagnostic(
        code(supaform::restore::failed),
        help("nothing was restored: every table is restored in one transaction")
    )]
    Restore { table: String, reason: String },
}

fn io_err(path: &Path, e: impl std::fmt::Display) -> BackupError {
    BackupError::Io {
        path: path.display().to_string(),
        reason: e.to_string(),
    }
}

fn db_reason(e: &tokio_postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => {
            let mut s = db.message().to_string();
            if let Some(d) = db.detail() {
                s.push_str(&format!(" ({d})"));
            }
            s
        }
        None => e.to_string(),
    }
}

fn query_err(what: impl Into<String>) -> impl FnOnce(tokio_postgres::Error) -> BackupError {
    let what = what.into();
    move |e| BackupError::Query {
        what,
        reason: db_reason(&e),
    }
}

// ---------------------------------------------------------------------------------------
// Names

/// `schema.table` as written in specs and manifests: each part double-quoted (quotes
/// doubled) when it contains a dot or starts with a quote, else as is.
pub fn table_name(q: &QName) -> String {
    let part = |s: &str| {
        if s.contains('.') || s.starts_with('"') {
            ident(s)
        } else {
            s.to_string()
        }
    };
    format!("{}.{}", part(&q.schema), part(&q.name))
}

/// Parse [`table_name`]'s form. `None` unless it is exactly a schema and a table name,
/// both non-empty and without NUL bytes.
pub fn parse_table(s: &str) -> Option<QName> {
    fn part(s: &str) -> Option<(String, &str)> {
        if let Some(rest) = s.strip_prefix('"') {
            let mut out = String::new();
            let mut chars = rest.char_indices();
            while let Some((i, c)) = chars.next() {
                if c == '"' {
                    if rest[i + 1..].starts_with('"') {
                        out.push('"');
                        chars.next();
                    } else {
                        return Some((out, &rest[i + 1..]));
                    }
                } else {
                    out.push(c);
                }
            }
            None
        } else {
            Some(match s.find('.') {
                Some(i) => (s[..i].to_string(), &s[i..]),
                None => (s.to_string(), ""),
            })
        }
    }
    let (schema, rest) = part(s)?;
    let rest = rest.strip_prefix('.')?;
    let (name, tail) = if rest.starts_with('"') {
        part(rest)?
    } else {
        (rest.to_string(), "")
    };
    let ok = |x: &str| !x.is_empty() && !x.contains('\0');
    (tail.is_empty() && ok(&schema) && ok(&name)).then(|| QName::new(schema, name))
}

fn valid_column(c: &str) -> bool {
    !c.is_empty() && !c.contains('\0')
}

/// A plain file name inside the backup directory (no separators, not `.` or `..`).
fn valid_file_name(f: &str) -> bool {
    !f.is_empty() && f != "." && f != ".." && !f.contains(['/', '\\', '\0']) && !f.starts_with('.')
}

/// `<n>_<schema.table>` with anything but `[A-Za-z0-9._-]` replaced by `_`.
fn file_stem(n: usize, q: &QName) -> String {
    let raw = format!("{}.{}", q.schema, q.name);
    let mut clean: String = raw
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '_'
            }
        })
        .collect();
    clean.truncate(100);
    format!("{n}_{clean}")
}

/// `<config dir>/backups/<env>/<UTC timestamp YYYYmmddTHHMMSSZ>`.
pub fn default_dir(config_dir: &Path, environment: &str) -> PathBuf {
    let env: String = environment
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let env = if env.is_empty() || env.starts_with('.') {
        format!("_{env}")
    } else {
        env
    };
    let (y, mo, d, h, mi, s) = utc_now();
    config_dir
        .join("backups")
        .join(env)
        .join(format!("{y:04}{mo:02}{d:02}T{h:02}{mi:02}{s:02}Z"))
}

fn rfc3339_now() -> String {
    let (y, mo, d, h, mi, s) = utc_now();
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z")
}

/// The current UTC time as (year, month, day, hour, minute, second).
fn utc_now() -> (i64, u32, u32, u32, u32, u32) {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    civil(secs)
}

/// Seconds since the Unix epoch → civil UTC date and time (Howard Hinnant's algorithm).
fn civil(secs: i64) -> (i64, u32, u32, u32, u32, u32) {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (
        y,
        m,
        d,
        (rem / 3600) as u32,
        (rem % 3600 / 60) as u32,
        (rem % 60) as u32,
    )
}

// ---------------------------------------------------------------------------------------
// DDL files: sections, each one statement under a marker line holding a JSON header.

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Header {
    /// `type` (created when missing), `sequence`, `table` (when the table is missing),
    /// `column` (when that column is missing), `staging` (column restores), `after`
    /// (after the data, only for what was recreated).
    section: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    schema: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    /// The column a `column` or `after` section belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    column: Option<String>,
    /// A foreign key (`after`), on the table `schema`.`name`: skipped when that table is
    /// missing or already has the constraint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    constraint: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
struct Section {
    header: Header,
    sql: String,
}

impl Section {
    fn new(section: &str, sql: String) -> Self {
        Section {
            header: Header {
                section: section.into(),
                schema: None,
                name: None,
                column: None,
                constraint: None,
            },
            sql,
        }
    }

    fn column(mut self, c: &str) -> Self {
        self.header.column = Some(c.to_string());
        self
    }
}

fn render_ddl(title: &str, sections: &[Section]) -> Result<String, String> {
    let mut out = format!(
        "-- supaform backup: {title}\n\
         -- Each statement follows a `{}` line saying when `supaform restore` runs it:\n\
         -- type/sequence/table: when missing; column: when that column is missing;\n\
         -- staging: a temporary table for column data; after: once the data is back,\n\
         -- for what was recreated.\n\n",
        MARKER.trim_end()
    );
    for s in sections {
        if s.sql.contains(MARKER.trim_end()) {
            return Err(format!(
                "a statement contains the section marker `{}`",
                MARKER.trim_end()
            ));
        }
        let h = serde_json::to_string(&s.header).map_err(|e| e.to_string())?;
        out.push_str(&format!("{MARKER}{h}\n{};\n\n", s.sql));
    }
    Ok(out)
}

fn parse_ddl(text: &str) -> Result<Vec<Section>, String> {
    let mut out: Vec<Section> = vec![];
    for line in text.split_inclusive('\n') {
        if let Some(h) = line.strip_prefix(MARKER) {
            let header: Header = serde_json::from_str(h.trim_end())
                .map_err(|e| format!("bad section header `{}`: {e}", h.trim_end()))?;
            out.push(Section {
                header,
                sql: String::new(),
            });
        } else if let Some(s) = out.last_mut() {
            s.sql.push_str(line);
        }
    }
    for s in &mut out {
        let t = s.sql.trim();
        s.sql = t.strip_suffix(';').unwrap_or(t).trim_end().to_string();
    }
    Ok(out)
}

/// A sequence owned by a column (serial or identity), as read at backup time.
#[derive(Debug, Clone)]
struct OwnedSequence {
    column: String,
    seq: QName,
    identity: bool,
    create: String,
    last_value: Option<i64>,
}

const SEQUENCES_SQL: &str = "\
SELECT n.nspname, c.relname, a.attname, sn.nspname, s.relname, a.attidentity <> '' AS identity,
       pg_catalog.format_type(sq.seqtypid, NULL), sq.seqstart, sq.seqincrement, sq.seqmin,
       sq.seqmax, sq.seqcache, sq.seqcycle, pg_catalog.pg_sequence_last_value(s.oid)
FROM pg_catalog.pg_depend d
JOIN pg_catalog.pg_class s ON s.oid = d.objid AND s.relkind = 'S'
JOIN pg_catalog.pg_sequence sq ON sq.seqrelid = s.oid
JOIN pg_catalog.pg_namespace sn ON sn.oid = s.relnamespace
JOIN pg_catalog.pg_class c ON c.oid = d.refobjid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum = d.refobjsubid
WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
  AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass
  AND d.deptype IN ('a', 'i')
  AND (n.nspname::text, c.relname::text) IN (SELECT * FROM unnest($1::text[], $2::text[]))";

async fn owned_sequences(
    client: &tokio_postgres::Client,
    tables: &[QName],
) -> Result<BTreeMap<QName, Vec<OwnedSequence>>, BackupError> {
    let schemas: Vec<&str> = tables.iter().map(|q| q.schema.as_str()).collect();
    let names: Vec<&str> = tables.iter().map(|q| q.name.as_str()).collect();
    let rows = client
        .query(SEQUENCES_SQL, &[&schemas, &names])
        .await
        .map_err(query_err("reading the tables' sequences"))?;
    let mut out: BTreeMap<QName, Vec<OwnedSequence>> = BTreeMap::new();
    for r in rows {
        let table = QName::new(r.get::<_, String>(0), r.get::<_, String>(1));
        let seq = QName::new(r.get::<_, String>(3), r.get::<_, String>(4));
        let type_name: String = r.get(6);
        let (start, inc, min, max, cache): (i64, i64, i64, i64, i64) =
            (r.get(7), r.get(8), r.get(9), r.get(10), r.get(11));
        let cycle: bool = r.get(12);
        let create = format!(
            "CREATE SEQUENCE IF NOT EXISTS {} AS {type_name} INCREMENT BY {inc} MINVALUE {min} MAXVALUE {max} START WITH {start} CACHE {cache} {}CYCLE",
            seq.sql(),
            if cycle { "" } else { "NO " }
        );
        out.entry(table).or_default().push(OwnedSequence {
            column: r.get(2),
            seq,
            identity: r.get(5),
            create,
            last_value: r.get(13),
        });
    }
    Ok(out)
}

fn enum_sections(model: &Model, cols: &[&Column], out: &mut Vec<Section>) {
    let mut seen: Vec<&QName> = vec![];
    for c in cols {
        let Some(q) = &c.enum_type else { continue };
        if seen.contains(&q) {
            continue;
        }
        seen.push(q);
        if let Some(e) = model.enums.get(q) {
            let mut s = Section::new("type", ddl::create_enum(e));
            s.header.schema = Some(q.schema.clone());
            s.header.name = Some(q.name.clone());
            out.push(s);
        }
    }
}

/// Whether the DDL must create a column's sequence itself: not for identity columns nor
/// for `serial` ones (introspected as such), whose `CREATE TABLE`/`ADD COLUMN` creates it.
fn needs_own_sequence(t: &Table, s: &OwnedSequence) -> bool {
    !s.identity
        && !t
            .column(&s.column)
            .is_some_and(|c| matches!(c.data_type.as_str(), "serial" | "bigserial" | "smallserial"))
}

/// `ALTER TABLE owner ADD CONSTRAINT fk …`, run after the data, unless `owner` is missing
/// or already has it (a foreign key between two restored tables is in both DDL files).
fn fk_section(owner: &QName, fk: &crate::model::ForeignKey) -> Section {
    let mut s = Section::new("after", ddl::add_foreign_key(owner, fk, false));
    s.header.schema = Some(owner.schema.clone());
    s.header.name = Some(owner.name.clone());
    s.header.constraint = Some(fk.name.clone());
    s
}

fn setval(t: &QName, s: &OwnedSequence) -> Option<String> {
    s.last_value.map(|v| {
        format!(
            "SELECT pg_catalog.setval(pg_catalog.pg_get_serial_sequence({}, {}), {v}, true)",
            literal(&t.sql()),
            literal(&s.column)
        )
    })
}

fn comment_sql(t: &Table, c: &Column) -> Option<String> {
    c.comment.as_deref().map(|text| {
        ddl::comment_on(
            "COLUMN",
            &format!("{}.{}", t.name.sql(), ident(&c.name)),
            Some(text),
        )
    })
}

/// Everything that recreates a whole table.
fn table_sections(model: &Model, t: &Table, seqs: &[OwnedSequence]) -> Vec<Section> {
    let mut out = vec![];
    let cols: Vec<&Column> = t.columns.iter().collect();
    enum_sections(model, &cols, &mut out);
    for s in seqs.iter().filter(|s| needs_own_sequence(t, s)) {
        out.push(Section::new("sequence", s.create.clone()));
    }
    out.push(Section::new("table", ddl::create_table(t)));
    for fk in &t.foreign_keys {
        out.push(fk_section(&t.name, fk));
    }
    // Foreign keys of other tables that referenced this one (dropped with it).
    for other in model.tables.values().filter(|o| o.name != t.name) {
        for fk in other.foreign_keys.iter().filter(|f| f.ref_table == t.name) {
            out.push(fk_section(&other.name, fk));
        }
    }
    let mut after = |sql: String| out.push(Section::new("after", sql));
    for i in &t.indexes {
        after(ddl::create_index(&t.name, i, false));
    }
    if t.rls.enabled {
        after(ddl::set_rls(&t.name, true));
    }
    if t.rls.force {
        after(ddl::set_force_rls(&t.name, true));
    }
    for ((q, _), p) in &model.policies {
        if *q == t.name {
            after(ddl::create_policy(p));
        }
    }
    for g in &model.grants {
        if g.target == GrantTarget::Table(t.name.clone()) {
            for sql in ddl::grant(g) {
                after(sql);
            }
        }
    }
    if let Some(c) = &t.comment {
        after(ddl::comment_on("TABLE", &t.name.sql(), Some(c)));
    }
    for c in &t.columns {
        if let Some(s) = comment_sql(t, c) {
            after(s);
        }
    }
    for s in seqs {
        if needs_own_sequence(t, s) {
            after(format!(
                "ALTER SEQUENCE {} OWNED BY {}.{}",
                s.seq.sql(),
                t.name.sql(),
                ident(&s.column)
            ));
        }
        if let Some(v) = setval(&t.name, s) {
            after(v);
        }
    }
    out
}

/// Whether an SQL expression may mention column `c` (approximate: used to pick the
/// constraints and indexes to recreate with a column; a false match fails harmlessly).
fn mentions(expr: &str, c: &str) -> bool {
    expr.contains(&ident(c)) || expr.contains(c)
}

/// Everything that recreates some columns of a table, and the staging table their data is
/// loaded into.
fn column_sections(
    model: &Model,
    t: &Table,
    key: &[&Column],
    values: &[&Column],
    seqs: &[OwnedSequence],
) -> Vec<Section> {
    let mut out = vec![];
    enum_sections(model, values, &mut out);
    for c in values {
        for s in seqs
            .iter()
            .filter(|s| s.column == c.name && needs_own_sequence(t, s))
        {
            out.push(Section::new("sequence", s.create.clone()).column(&c.name));
        }
        // Added nullable and without identity: the data comes first, NOT NULL after.
        let mut col = (*c).clone();
        col.nullable = true;
        col.identity = None;
        out.push(
            Section::new(
                "column",
                format!(
                    "ALTER TABLE {} ADD COLUMN {}",
                    t.name.sql(),
                    ddl::column_def(&col)
                ),
            )
            .column(&c.name),
        );
    }
    let staging_cols: Vec<String> = key
        .iter()
        .chain(values.iter())
        .map(|c| format!("{} {}", ident(&c.name), ddl::column_type(c)))
        .collect();
    out.push(Section::new(
        "staging",
        format!(
            "CREATE TEMPORARY TABLE {} ({})",
            ident(STAGING),
            staging_cols.join(", ")
        ),
    ));
    for c in values {
        let name = &c.name;
        for fk in t.foreign_keys.iter().filter(|f| f.columns.contains(name)) {
            out.push(fk_section(&t.name, fk).column(name));
        }
        for other in model.tables.values() {
            for fk in other
                .foreign_keys
                .iter()
                .filter(|f| f.ref_table == t.name && f.ref_columns.contains(name))
            {
                out.push(fk_section(&other.name, fk).column(name));
            }
        }
        let mut after = |sql: String| out.push(Section::new("after", sql).column(name));
        if !c.nullable {
            after(ddl::set_not_null(&t.name, name, true));
        }
        if let Some(i) = c.identity {
            after(format!(
                "ALTER TABLE {} ALTER COLUMN {} ADD GENERATED {} AS IDENTITY",
                t.name.sql(),
                ident(name),
                i.as_str().to_uppercase()
            ));
        }
        for s in seqs.iter().filter(|s| s.column == *name) {
            if needs_own_sequence(t, s) {
                after(format!(
                    "ALTER SEQUENCE {} OWNED BY {}.{}",
                    s.seq.sql(),
                    t.name.sql(),
                    ident(name)
                ));
            }
            if let Some(v) = setval(&t.name, s) {
                after(v);
            }
        }
        for u in t.uniques.iter().filter(|u| u.columns.contains(name)) {
            after(ddl::add_unique(&t.name, u));
        }
        for ch in t.checks.iter().filter(|ch| mentions(&ch.expression, name)) {
            after(ddl::add_check(&t.name, ch, false));
        }
        for i in &t.indexes {
            let uses = i.parts.iter().any(|p| match p {
                IndexPart::Column(x) => x == name,
                IndexPart::Expression(e) => mentions(e, name),
            }) || i.include.contains(name)
                || i.predicate.as_deref().is_some_and(|p| mentions(p, name));
            if uses {
                after(ddl::create_index(&t.name, i, false));
            }
        }
        for g in &model.grants {
            if g.target == GrantTarget::Table(t.name.clone()) && g.columns.contains(name) {
                for sql in ddl::grant(g) {
                    after(sql);
                }
            }
        }
        if let Some(s) = comment_sql(t, c) {
            after(s);
        }
    }
    out
}

// ---------------------------------------------------------------------------------------
// Taking a backup

/// What one spec resolves to.
struct Plan<'a> {
    table: &'a Table,
    columns: Option<Vec<String>>,
    key: Vec<String>,
    data_columns: Vec<String>,
    sections: Vec<Section>,
    copy_sql: String,
}

fn plan_spec<'a>(
    model: &'a Model,
    spec: &BackupSpec,
    seqs: &BTreeMap<QName, Vec<OwnedSequence>>,
) -> Result<Plan<'a>, BackupError> {
    let invalid = |reason: &str| BackupError::InvalidSpec {
        table: spec.table.clone(),
        reason: reason.to_string(),
    };
    let q = parse_table(&spec.table).ok_or_else(|| invalid("expected schema.table"))?;
    let t = model
        .tables
        .get(&q)
        .ok_or_else(|| BackupError::TableNotFound {
            table: spec.table.clone(),
        })?;
    let no_seqs = vec![];
    let seqs = seqs.get(&q).unwrap_or(&no_seqs);
    let key: Vec<String> = t
        .primary_key
        .as_ref()
        .map(|pk| pk.columns.clone())
        .unwrap_or_default();
    let stored = |c: &&Column| c.generated.is_none();
    // Columns of a table without a primary key cannot be matched back to their rows:
    // such a spec saves the whole table.
    let wanted = spec.columns.as_ref().filter(|_| !key.is_empty());
    match wanted {
        None => {
            let data_columns: Vec<String> = t
                .columns
                .iter()
                .filter(stored)
                .map(|c| c.name.clone())
                .collect();
            // The SELECT form also reads partitioned tables, which `COPY t TO` refuses.
            let copy_sql = format!(
                "COPY (SELECT {} FROM {}) TO STDOUT",
                crate::quote::ident_list(&data_columns),
                t.name.sql()
            );
            Ok(Plan {
                table: t,
                columns: None,
                key,
                data_columns,
                sections: table_sections(model, t, seqs),
                copy_sql,
            })
        }
        Some(cols) => {
            let mut values: Vec<&Column> = vec![];
            for c in cols {
                let col = t
                    .column(c)
                    .ok_or_else(|| invalid(&format!("it has no column `{c}`")))?;
                if !key.contains(c) && !values.iter().any(|v| v.name == *c) {
                    values.push(col);
                }
            }
            if values.is_empty() {
                return Err(invalid("no column besides the primary key"));
            }
            let key_cols: Vec<&Column> = key.iter().filter_map(|k| t.column(k)).collect();
            let sections = column_sections(model, t, &key_cols, &values, seqs);
            let data_columns: Vec<String> = key
                .iter()
                .cloned()
                .chain(
                    values
                        .iter()
                        .filter(|c| c.generated.is_none())
                        .map(|c| c.name.clone()),
                )
                .collect();
            let copy_sql = format!(
                "COPY (SELECT {} FROM {}) TO STDOUT",
                crate::quote::ident_list(&data_columns),
                t.name.sql()
            );
            Ok(Plan {
                table: t,
                columns: Some(values.iter().map(|c| c.name.clone()).collect()),
                key,
                data_columns,
                sections,
                copy_sql,
            })
        }
    }
}

/// Back up `specs` into `dir` (created if missing; refused if it already holds a
/// manifest). The client must not be inside a transaction: the COPYs run in one
/// `REPEATABLE READ READ ONLY` transaction of their own, with `statement_timeout = 0` (an
/// environment's timeout guards the plan's statements; a large table's COPY may take
/// longer and only reads), keeping the session's `lock_timeout`.
pub async fn take(
    client: &tokio_postgres::Client,
    specs: &[BackupSpec],
    dir: &Path,
    environment: &str,
    reason: &str,
) -> Result<Manifest, BackupError> {
    if dir.join(MANIFEST_FILE).exists() {
        return Err(BackupError::DirExists {
            dir: dir.display().to_string(),
        });
    }
    // Written under `<dir>.partial`, renamed once the manifest is complete.
    let staging = super::staging::Staging::begin(dir).map_err(|e| io_err(dir, e))?;
    let final_dir = dir;
    let dir = staging.path();

    let mut schemas: Vec<String> = vec![];
    let mut tables: Vec<QName> = vec![];
    for s in specs {
        let q = parse_table(&s.table).ok_or_else(|| BackupError::InvalidSpec {
            table: s.table.clone(),
            reason: "expected schema.table".into(),
        })?;
        if !schemas.contains(&q.schema) {
            schemas.push(q.schema.clone());
        }
        tables.push(q);
    }
    let live = introspect(
        client,
        &IntrospectOptions {
            schemas,
            ..Default::default()
        },
    )
    .await?;

    client
        .batch_execute(
            "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;
             SET LOCAL search_path = '';
             SET LOCAL row_security = off;
             SET LOCAL statement_timeout = 0;
             SET LOCAL extra_float_digits = 3;
             SET LOCAL DateStyle = 'ISO, YMD';
             SET LOCAL IntervalStyle = 'postgres';
             SET LOCAL bytea_output = 'hex';",
        )
        .await
        .map_err(query_err("starting the backup transaction"))?;
    let result = take_in_transaction(client, &live.model, specs, &tables, dir).await;
    let entries = match result {
        Ok(e) => e,
        Err(e) => {
            let _ = client.batch_execute("ROLLBACK").await;
            return Err(e);
        }
    };
    client
        .batch_execute("COMMIT")
        .await
        .map_err(query_err("ending the backup transaction"))?;

    let manifest = Manifest {
        format_version: FORMAT_VERSION,
        created_at: rfc3339_now(),
        environment: environment.to_string(),
        reason: reason.to_string(),
        server_version_num: live.server_version_num,
        entries,
    };
    write_atomic(dir, ROLLBACK_FILE, rollback_sql(&manifest).as_bytes())?;
    let json = serde_json::to_vec_pretty(&manifest).map_err(|e| io_err(dir, e))?;
    write_atomic(dir, MANIFEST_FILE, &json)?;
    crate::util::crash_point("backup_before_rename");
    staging.finish().map_err(|e| io_err(final_dir, e))?;
    Ok(manifest)
}

async fn take_in_transaction(
    client: &tokio_postgres::Client,
    model: &Model,
    specs: &[BackupSpec],
    tables: &[QName],
    dir: &Path,
) -> Result<Vec<Entry>, BackupError> {
    let seqs = owned_sequences(client, tables).await?;
    let mut entries = vec![];
    for (i, spec) in specs.iter().enumerate() {
        let p = plan_spec(model, spec, &seqs)?;
        let stem = file_stem(i + 1, &p.table.name);
        let ddl_file = format!("{stem}.sql");
        let data_file = format!("{stem}.copy");
        let what = match &p.columns {
            None => format!("table {}", p.table.name.sql()),
            Some(c) => format!(
                "columns {} of table {}",
                crate::quote::ident_list(c),
                p.table.name.sql()
            ),
        };
        let text = render_ddl(&what, &p.sections).map_err(|reason| BackupError::InvalidSpec {
            table: spec.table.clone(),
            reason,
        })?;
        write_atomic(dir, &ddl_file, text.as_bytes())?;
        let ddl_blake3 = blake3::hash(text.as_bytes()).to_hex().to_string();
        let sum = copy_to_file(client, &p.copy_sql, &dir.join(&data_file), &what).await?;
        entries.push(Entry {
            table: table_name(&p.table.name),
            columns: p.columns,
            key: p.key,
            data_file,
            ddl_file,
            rows: sum.rows,
            bytes: sum.bytes,
            blake3: sum.blake3,
            data_columns: p.data_columns,
            ddl_blake3,
        });
    }
    Ok(entries)
}

struct FileSum {
    rows: u64,
    bytes: u64,
    blake3: String,
}

/// Stream `COPY … TO STDOUT` into a new file: rows gathered into chunks, hashed and
/// written by a blocking task, the file fsynced.
async fn copy_to_file(
    client: &tokio_postgres::Client,
    sql: &str,
    path: &Path,
    what: &str,
) -> Result<FileSum, BackupError> {
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| io_err(path, e))?;
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Vec<u8>>(CHANNEL_DEPTH);
    let writer = tokio::task::spawn_blocking(move || -> std::io::Result<FileSum> {
        let mut file = file;
        let mut h = blake3::Hasher::new();
        let (mut rows, mut bytes, mut flushed) = (0u64, 0u64, 0u64);
        while let Some(buf) = rx.blocking_recv() {
            h.update(&buf);
            rows += count_newlines(&buf);
            bytes += buf.len() as u64;
            file.write_all(&buf)?;
            if bytes == buf.len() as u64 {
                crate::util::crash_point("backup_mid_copy");
            }
            if bytes - flushed >= FLUSH_AFTER {
                start_writeback(&file, flushed, bytes - flushed);
                flushed = bytes;
            }
        }
        file.sync_all()?;
        Ok(FileSum {
            rows,
            bytes,
            blake3: h.finalize().to_hex().to_string(),
        })
    });
    let streamed = async {
        let failed = |e: tokio_postgres::Error| BackupError::Query {
            what: format!("copying {what}"),
            reason: db_reason(&e),
        };
        let stream = client.copy_out(sql).await.map_err(failed)?;
        let mut stream = std::pin::pin!(stream);
        let mut buf: Vec<u8> = Vec::with_capacity(CHUNK + 64 * 1024);
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(failed)?;
            buf.extend_from_slice(&chunk);
            if buf.len() >= CHUNK {
                let full = std::mem::replace(&mut buf, Vec::with_capacity(CHUNK + 64 * 1024));
                if tx.send(full).await.is_err() {
                    return Ok(()); // the writer failed: its error is reported below
                }
            }
        }
        if !buf.is_empty() {
            let _ = tx.send(buf).await;
        }
        Ok::<(), BackupError>(())
    }
    .await;
    drop(tx);
    let written = writer.await.map_err(|e| io_err(path, e))?;
    streamed?;
    written.map_err(|e| io_err(path, e))
}

/// Start writing `len` bytes at `offset` of `file` to disk without waiting (Linux), so the
/// final fsync has little left to do and the disk works while rows still arrive. Elsewhere
/// the fsync at the end does all of it.
#[cfg(target_os = "linux")]
fn start_writeback(file: &std::fs::File, offset: u64, len: u64) {
    use std::os::fd::AsRawFd;
    let (Ok(offset), Ok(len)) = (i64::try_from(offset), i64::try_from(len)) else {
        return;
    };
    // SAFETY: a valid open descriptor; the call only schedules writeback of its pages.
    unsafe {
        libc::sync_file_range(file.as_raw_fd(), offset, len, libc::SYNC_FILE_RANGE_WRITE);
    }
}

#[cfg(not(target_os = "linux"))]
fn start_writeback(_file: &std::fs::File, _offset: u64, _len: u64) {}

/// The number of `\n` bytes: the rows of a text-format COPY. Counted in blocks of 255
/// bytes into a byte-sized counter, a shape the compiler turns into SIMD compares.
fn count_newlines(buf: &[u8]) -> u64 {
    buf.chunks(255)
        .map(|block| {
            block
                .iter()
                .fold(0u8, |n, &b| n.wrapping_add(u8::from(b == b'\n'))) as u64
        })
        .sum()
}

/// Write `name` in `dir` atomically (`util::write_atomic`).
fn write_atomic(dir: &Path, name: &str, data: &[u8]) -> Result<(), BackupError> {
    let path = dir.join(name);
    crate::util::write_atomic(&path, data).map_err(|e| io_err(&path, e))
}

/// `rollback.sql`: for people. How to put each object back by hand, from this directory.
fn rollback_sql(m: &Manifest) -> String {
    let mut s = format!(
        "-- supaform backup of environment `{}`, taken {}\n-- reason: {}\n--\n\
         -- The simple way back: supaform restore <this directory> -e {}\n\
         --   (checks every file against manifest.json, then restores everything in one\n\
         --   transaction; --table schema.table restores one table).\n--\n\
         -- By hand, with psql, run from this directory. Each .sql file holds the DDL in\n\
         -- sections; run the ones the section markers say apply.\n\n",
        m.environment.replace('\n', " "),
        m.created_at,
        m.reason.replace('\n', " "),
        m.environment.replace('\n', " ")
    );
    s.push_str("BEGIN;\n\n");
    for e in &m.entries {
        let Some(q) = parse_table(&e.table) else {
            continue;
        };
        let cols = crate::quote::ident_list(&e.data_columns);
        match &e.columns {
            None => {
                s.push_str(&format!(
                    "-- table {} ({} rows)\n\
                     -- if it is missing: the `type`, `sequence` and `table` sections of {}\n\
                     \\copy {} ({cols}) FROM '{}'\n\
                     -- then the `after` sections of {} (indexes, keys, policies, grants)\n\n",
                    q.sql(),
                    e.rows,
                    e.ddl_file,
                    q.sql(),
                    e.data_file,
                    e.ddl_file
                ));
            }
            Some(c) => {
                let set: Vec<String> = e
                    .data_columns
                    .iter()
                    .filter(|x| !e.key.contains(x))
                    .map(|x| format!("{} = src.{}", ident(x), ident(x)))
                    .collect();
                let on: Vec<String> = e
                    .key
                    .iter()
                    .map(|k| format!("dst.{} = src.{}", ident(k), ident(k)))
                    .collect();
                s.push_str(&format!(
                    "-- columns {} of table {} ({} rows)\n\
                     -- if a column is missing: its `column` section of {}\n\
                     -- the `staging` section of {}, then:\n\
                     \\copy {} ({cols}) FROM '{}'\n",
                    crate::quote::ident_list(c),
                    q.sql(),
                    e.rows,
                    e.ddl_file,
                    e.ddl_file,
                    ident(STAGING),
                    e.data_file
                ));
                if !set.is_empty() {
                    s.push_str(&format!(
                        "UPDATE {} AS dst SET {} FROM {} AS src WHERE {};\n",
                        q.sql(),
                        set.join(", "),
                        ident(STAGING),
                        on.join(" AND ")
                    ));
                }
                s.push_str(&format!(
                    "DROP TABLE {};\n-- then the `after` sections of {} for re-added columns\n\n",
                    ident(STAGING),
                    e.ddl_file
                ));
            }
        }
    }
    s.push_str("COMMIT;\n");
    s
}

// ---------------------------------------------------------------------------------------
// Restoring

/// Read and check `dir/manifest.json`: format version, table and column names, file
/// names (plain names inside the directory). A `.partial` folder is refused whatever it
/// holds: its run was interrupted before the backup was complete.
pub fn read_manifest(dir: &Path) -> Result<Manifest, BackupError> {
    if super::staging::is_partial(dir) {
        return Err(BackupError::Incomplete {
            dir: dir.display().to_string(),
        });
    }
    let path = dir.join(MANIFEST_FILE);
    if !path.exists() {
        return Err(BackupError::NoManifest {
            dir: dir.display().to_string(),
        });
    }
    let bad = |reason: String| BackupError::BadManifest {
        path: path.display().to_string(),
        reason,
    };
    let text = std::fs::read(&path).map_err(|e| io_err(&path, e))?;
    let m: Manifest = serde_json::from_slice(&text).map_err(|e| bad(e.to_string()))?;
    if m.format_version != FORMAT_VERSION {
        return Err(bad(format!(
            "format version {} (this supaform reads {FORMAT_VERSION})",
            m.format_version
        )));
    }
    for e in &m.entries {
        if parse_table(&e.table).is_none() {
            return Err(bad(format!(
                "table `{}` is not in the form schema.table",
                e.table
            )));
        }
        let cols = e.columns.iter().flatten();
        if let Some(c) = cols
            .chain(&e.key)
            .chain(&e.data_columns)
            .find(|c| !valid_column(c))
        {
            return Err(bad(format!("invalid column name `{c}` in `{}`", e.table)));
        }
        for f in [&e.data_file, &e.ddl_file] {
            if !valid_file_name(f) {
                return Err(bad(format!(
                    "file `{f}` of `{}` is not a plain file name in the backup directory",
                    e.table
                )));
            }
        }
        if e.columns.is_some()
            && (e.key.is_empty() || !e.key.iter().all(|k| e.data_columns.contains(k)))
        {
            return Err(bad(format!(
                "column entry `{}` without its key columns in the data",
                e.table
            )));
        }
    }
    Ok(m)
}

/// blake3 and newline count of a file, streamed.
fn sum_file(path: &Path) -> std::io::Result<FileSum> {
    let mut f = std::fs::File::open(path)?;
    let mut h = blake3::Hasher::new();
    let mut buf = vec![0u8; CHUNK];
    let (mut rows, mut bytes) = (0u64, 0u64);
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
        rows += count_newlines(&buf[..n]);
        bytes += n as u64;
    }
    Ok(FileSum {
        rows,
        bytes,
        blake3: h.finalize().to_hex().to_string(),
    })
}

/// Check an entry's files against the manifest; the DDL's sections.
fn verify(dir: &Path, e: &Entry) -> Result<Vec<Section>, BackupError> {
    let damaged = |file: &str, reason: String| BackupError::Damaged {
        file: file.to_string(),
        reason,
    };
    let data = dir.join(&e.data_file);
    let sum =
        sum_file(&data).map_err(|err| damaged(&e.data_file, format!("cannot be read: {err}")))?;
    if sum.bytes != e.bytes {
        return Err(damaged(
            &e.data_file,
            format!("has {} bytes, the manifest says {}", sum.bytes, e.bytes),
        ));
    }
    if sum.blake3 != e.blake3 {
        return Err(damaged(
            &e.data_file,
            "does not match its blake3 checksum in the manifest".into(),
        ));
    }
    if sum.rows != e.rows {
        return Err(damaged(
            &e.data_file,
            format!("has {} rows, the manifest says {}", sum.rows, e.rows),
        ));
    }
    let ddl_path = dir.join(&e.ddl_file);
    let text = std::fs::read(&ddl_path)
        .map_err(|err| damaged(&e.ddl_file, format!("cannot be read: {err}")))?;
    if blake3::hash(&text).to_hex().as_str() != e.ddl_blake3 {
        return Err(damaged(
            &e.ddl_file,
            "does not match its blake3 checksum in the manifest".into(),
        ));
    }
    let text = String::from_utf8(text).map_err(|_| damaged(&e.ddl_file, "is not UTF-8".into()))?;
    parse_ddl(&text).map_err(|r| damaged(&e.ddl_file, r))
}

/// The entries `only_table` selects: `schema.table`, or a bare name in `public`.
fn select<'a>(m: &'a Manifest, only_table: Option<&str>) -> Result<Vec<&'a Entry>, BackupError> {
    let Some(want) = only_table else {
        return Ok(m.entries.iter().collect());
    };
    let want_q = parse_table(want).or_else(|| Some(QName::new("public", want)));
    let picked: Vec<&Entry> = m
        .entries
        .iter()
        .filter(|e| e.table == want || parse_table(&e.table) == want_q)
        .collect();
    if picked.is_empty() {
        let mut available: Vec<&str> = m.entries.iter().map(|e| e.table.as_str()).collect();
        available.dedup();
        return Err(BackupError::NoSuchTable {
            table: want.to_string(),
            available: if available.is_empty() {
                "(none)".into()
            } else {
                available.join(", ")
            },
        });
    }
    Ok(picked)
}

/// Put the backup in `dir` back: every entry, or those of `only_table`. The files of the
/// chosen entries are checked against the manifest first (size, blake3, rows, DDL hash);
/// then everything runs in one transaction (`statement_timeout = 0`).
pub async fn restore(
    client: &tokio_postgres::Client,
    dir: &Path,
    only_table: Option<&str>,
) -> Result<RestoreReport, BackupError> {
    let m = read_manifest(dir)?;
    let entries = select(&m, only_table)?;
    let mut checked = vec![];
    for e in entries {
        let dir = dir.to_path_buf();
        let entry = e.clone();
        let sections = tokio::task::spawn_blocking(move || verify(&dir, &entry))
            .await
            .map_err(|err| io_err(Path::new(&e.data_file), err))??;
        checked.push((e, sections));
    }

    client
        .batch_execute(
            "BEGIN;
             SET LOCAL search_path = '';
             SET LOCAL statement_timeout = 0;
             SET LOCAL DateStyle = 'ISO, YMD';
             SET LOCAL IntervalStyle = 'postgres';",
        )
        .await
        .map_err(query_err("starting the restore transaction"))?;
    let mut report = RestoreReport { tables: vec![] };
    let mut pending = vec![];
    for (e, sections) in &checked {
        match restore_entry(client, dir, e, sections).await {
            Ok((r, after)) => {
                report.tables.push(r);
                pending.push(after);
            }
            Err(err) => {
                let _ = client.batch_execute("ROLLBACK").await;
                return Err(err);
            }
        }
    }
    // Indexes, keys, policies… once every table's data is back, so a foreign key between
    // two restored tables finds both.
    for (r, after) in report.tables.iter_mut().zip(&pending) {
        run_after(client, after, &mut r.warnings).await;
    }
    client
        .batch_execute("COMMIT")
        .await
        .map_err(|err| BackupError::Restore {
            table: "(commit)".into(),
            reason: db_reason(&err),
        })?;
    Ok(report)
}

async fn relation_exists(
    client: &tokio_postgres::Client,
    q: &QName,
) -> Result<bool, tokio_postgres::Error> {
    let row = client
        .query_one(
            "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_class c
               JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
              WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p'))",
            &[&q.schema, &q.name],
        )
        .await?;
    Ok(row.get(0))
}

/// Whether table `schema.name` exists, and whether it has a constraint named `con`.
async fn constraint_state(
    client: &tokio_postgres::Client,
    schema: &str,
    name: &str,
    con: &str,
) -> Result<(bool, bool), tokio_postgres::Error> {
    let row = client
        .query_one(
            "SELECT c.oid IS NOT NULL,
                    EXISTS (SELECT 1 FROM pg_catalog.pg_constraint k
                             WHERE k.conrelid = c.oid AND k.conname = $3)
               FROM (SELECT $1::text AS s, $2::text AS t) want
               LEFT JOIN pg_catalog.pg_namespace n ON n.nspname = want.s
               LEFT JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid AND c.relname = want.t",
            &[&schema, &name, &con],
        )
        .await?;
    Ok((row.get(0), row.get(1)))
}

async fn type_exists(
    client: &tokio_postgres::Client,
    schema: &str,
    name: &str,
) -> Result<bool, tokio_postgres::Error> {
    let row = client
        .query_one(
            "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_type t
               JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
              WHERE n.nspname = $1 AND t.typname = $2)",
            &[&schema, &name],
        )
        .await?;
    Ok(row.get(0))
}

async fn columns_of(
    client: &tokio_postgres::Client,
    q: &QName,
) -> Result<Vec<String>, tokio_postgres::Error> {
    let rows = client
        .query(
            "SELECT a.attname::text FROM pg_catalog.pg_attribute a
               JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
               JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
              WHERE n.nspname = $1 AND c.relname = $2 AND a.attnum > 0 AND NOT a.attisdropped",
            &[&q.schema, &q.name],
        )
        .await?;
    Ok(rows.iter().map(|r| r.get(0)).collect())
}

async fn restore_entry(
    client: &tokio_postgres::Client,
    dir: &Path,
    e: &Entry,
    sections: &[Section],
) -> Result<(Restored, Vec<Section>), BackupError> {
    let q = parse_table(&e.table).ok_or_else(|| BackupError::BadManifest {
        path: MANIFEST_FILE.into(),
        reason: format!("table `{}`", e.table),
    })?;
    let fail = |reason: String| BackupError::Restore {
        table: e.table.clone(),
        reason,
    };
    let dbf = |err: tokio_postgres::Error| fail(db_reason(&err));
    let exec = |sql: &str| {
        let sql = sql.to_string();
        async move { client.batch_execute(&sql).await }
    };
    let of = |kind: &'static str| sections.iter().filter(move |s| s.header.section == kind);
    let data = dir.join(&e.data_file);
    let exists = relation_exists(client, &q).await.map_err(dbf)?;

    // Types first, where missing (an enum dropped with the table).
    let create_types = || {
        let of = &of;
        async move {
            for s in of("type") {
                let (Some(schema), Some(name)) = (&s.header.schema, &s.header.name) else {
                    continue;
                };
                if !type_exists(client, schema, name).await? {
                    client.batch_execute(&s.sql).await?;
                }
            }
            Ok::<(), tokio_postgres::Error>(())
        }
    };

    match &e.columns {
        None => {
            let recreated = !exists;
            if exists {
                let row = client
                    .query_one(&format!("SELECT EXISTS (SELECT 1 FROM {})", q.sql()), &[])
                    .await
                    .map_err(dbf)?;
                if row.get::<_, bool>(0) {
                    return Err(BackupError::TableNotEmpty {
                        table: e.table.clone(),
                    });
                }
            } else {
                create_types().await.map_err(dbf)?;
                for s in of("sequence").chain(of("table")) {
                    exec(&s.sql).await.map_err(dbf)?;
                }
            }
            let copy = if e.data_columns.is_empty() {
                format!("COPY {} FROM STDIN", q.sql())
            } else {
                format!(
                    "COPY {} ({}) FROM STDIN",
                    q.sql(),
                    crate::quote::ident_list(&e.data_columns)
                )
            };
            let rows = copy_from_file(client, &copy, &data).await.map_err(&fail)?;
            let after = if recreated {
                of("after").cloned().collect()
            } else {
                vec![]
            };
            Ok((
                Restored {
                    table: e.table.clone(),
                    columns: None,
                    rows,
                    unmatched: 0,
                    recreated,
                    warnings: vec![],
                },
                after,
            ))
        }
        Some(cols) => {
            if !exists {
                return Err(fail(
                    "the table does not exist; a column backup restores into an existing table (restore or create the table first)".into(),
                ));
            }
            let present = columns_of(client, &q).await.map_err(dbf)?;
            let missing: Vec<String> = cols
                .iter()
                .filter(|c| !present.contains(c))
                .cloned()
                .collect();
            if !missing.is_empty() {
                create_types().await.map_err(dbf)?;
                for s in of("sequence").chain(of("column")) {
                    if s.header
                        .column
                        .as_ref()
                        .is_some_and(|c| missing.contains(c))
                    {
                        exec(&s.sql).await.map_err(dbf)?;
                    }
                }
            }
            for s in of("staging") {
                exec(&s.sql).await.map_err(dbf)?;
            }
            let copy = format!(
                "COPY pg_temp.{} ({}) FROM STDIN",
                ident(STAGING),
                crate::quote::ident_list(&e.data_columns)
            );
            let rows = copy_from_file(client, &copy, &data).await.map_err(&fail)?;
            exec(&format!("ANALYZE pg_temp.{}", ident(STAGING)))
                .await
                .map_err(dbf)?;
            let set: Vec<String> = e
                .data_columns
                .iter()
                .filter(|c| !e.key.contains(c))
                .map(|c| format!("{} = src.{}", ident(c), ident(c)))
                .collect();
            let updated = if set.is_empty() {
                0
            } else {
                let on: Vec<String> = e
                    .key
                    .iter()
                    .map(|k| format!("dst.{} = src.{}", ident(k), ident(k)))
                    .collect();
                client
                    .execute(
                        &format!(
                            "UPDATE {} AS dst SET {} FROM pg_temp.{} AS src WHERE {}",
                            q.sql(),
                            set.join(", "),
                            ident(STAGING),
                            on.join(" AND ")
                        ),
                        &[],
                    )
                    .await
                    .map_err(dbf)?
            };
            exec(&format!("DROP TABLE pg_temp.{}", ident(STAGING)))
                .await
                .map_err(dbf)?;
            let after = of("after")
                .filter(|s| {
                    s.header
                        .column
                        .as_ref()
                        .is_some_and(|c| missing.contains(c))
                })
                .cloned()
                .collect();
            Ok((
                Restored {
                    table: e.table.clone(),
                    columns: Some(cols.clone()),
                    rows: updated,
                    unmatched: rows.saturating_sub(updated),
                    recreated: !missing.is_empty(),
                    warnings: vec![],
                },
                after,
            ))
        }
    }
}

/// Run the `after` statements, each under a savepoint: one that fails (a foreign key whose
/// referenced rows are gone, a policy calling a dropped function) becomes a warning, and
/// the data stays restored.
async fn run_after(
    client: &tokio_postgres::Client,
    sections: &[Section],
    warnings: &mut Vec<String>,
) {
    for s in sections {
        if let (Some(schema), Some(name), Some(con)) =
            (&s.header.schema, &s.header.name, &s.header.constraint)
        {
            match constraint_state(client, schema, name, con).await {
                Ok((true, false)) => {}
                Ok(_) => continue, // the table is missing, or has the constraint already
                Err(err) => {
                    warnings.push(format!("{con}: {}", db_reason(&err)));
                    continue;
                }
            }
        }
        let _ = client.batch_execute("SAVEPOINT supaform_after").await;
        match client.batch_execute(&s.sql).await {
            Ok(()) => {
                let _ = client
                    .batch_execute("RELEASE SAVEPOINT supaform_after")
                    .await;
            }
            Err(err) => {
                let _ = client
                    .batch_execute("ROLLBACK TO SAVEPOINT supaform_after")
                    .await;
                let first_line = s.sql.lines().next().unwrap_or("");
                warnings.push(format!("{first_line}: {}", db_reason(&err)));
            }
        }
    }
}

/// Stream a data file into `COPY … FROM STDIN`; the rows copied.
async fn copy_from_file(
    client: &tokio_postgres::Client,
    sql: &str,
    path: &Path,
) -> Result<u64, String> {
    let sink = client.copy_in(sql).await.map_err(|e| db_reason(&e))?;
    let mut sink = std::pin::pin!(sink);
    let mut file = tokio::fs::File::open(path)
        .await
        .map_err(|e| format!("{}: {e}", path.display()))?;
    loop {
        let mut buf = BytesMut::with_capacity(CHUNK);
        let n = file
            .read_buf(&mut buf)
            .await
            .map_err(|e| format!("{}: {e}", path.display()))?;
        if n == 0 {
            break;
        }
        sink.send(buf.freeze()).await.map_err(|e| db_reason(&e))?;
    }
    sink.as_mut().finish().await.map_err(|e| db_reason(&e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_names_round_trip() {
        for (schema, name) in [
            ("public", "items"),
            ("public", "Mixed Case"),
            ("my.schema", "t"),
            ("s", "a.b"),
            ("\"q", "x\"y"),
        ] {
            let q = QName::new(schema, name);
            assert_eq!(parse_table(&table_name(&q)), Some(q.clone()), "{q:?}");
        }
        assert_eq!(parse_table("public.a.b"), Some(QName::new("public", "a.b")));
    }

    #[test]
    fn malformed_table_names_are_rejected() {
        for bad in [
            "items", "", ".t", "s.", "\"s.t", "\"s\"t.x", "s.\"t\"x", "s.t\0",
        ] {
            assert_eq!(parse_table(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn file_names_stay_inside_the_directory() {
        assert!(valid_file_name("1_public.t.copy"));
        for bad in ["", ".", "..", "../x", "a/b", "/etc/passwd", ".hidden"] {
            assert!(!valid_file_name(bad), "{bad:?}");
        }
        assert_eq!(
            file_stem(3, &QName::new("public", "../Mixed Case")),
            "3_public..._Mixed_Case"
        );
    }

    #[test]
    fn newlines_are_counted_in_any_block_layout() {
        let mut data = vec![b'x'; 10_000];
        for i in (0..10_000).step_by(7) {
            data[i] = b'\n';
        }
        let want = data.iter().filter(|&&b| b == b'\n').count() as u64;
        assert_eq!(count_newlines(&data), want);
        assert_eq!(count_newlines(&[b'\n'; 1000]), 1000);
        assert_eq!(count_newlines(b""), 0);
    }

    #[test]
    fn civil_dates() {
        assert_eq!(civil(0), (1970, 1, 1, 0, 0, 0));
        assert_eq!(civil(951_782_400 + 3661), (2000, 2, 29, 1, 1, 1));
        assert_eq!(civil(1_798_761_599), (2026, 12, 31, 23, 59, 59));
    }

    #[test]
    fn default_dir_is_under_backups_env() {
        let d = default_dir(Path::new("/cfg"), "prod/../x");
        let s = d.display().to_string();
        assert!(s.starts_with("/cfg/backups/prod_.._x/"), "{s}");
        let ts = d.file_name().unwrap().to_str().unwrap();
        assert_eq!(ts.len(), 16);
        assert!(ts.ends_with('Z') && ts.as_bytes()[8] == b'T');
    }

    #[test]
    fn ddl_sections_round_trip() {
        let mut s = Section::new(
            "type",
            "CREATE TYPE \"public\".\"e\" AS ENUM ('a;b')".into(),
        );
        s.header.schema = Some("public".into());
        s.header.name = Some("e".into());
        let secs = vec![
            s,
            Section::new(
                "table",
                "CREATE TABLE x (\n  a text DEFAULT 'x;\n y'\n)".into(),
            ),
            Section::new("after", "CREATE INDEX i ON x (a)".into()).column("a"),
        ];
        let text = render_ddl("table x", &secs).unwrap();
        assert_eq!(parse_ddl(&text).unwrap(), secs);
        let evil = vec![Section::new("table", "x\n-- @supaform {}".into())];
        assert!(render_ddl("t", &evil).is_err());
    }
}
