//! Backups and restore against the real test server: round trips of awkward data, of a
//! dropped column, damaged files, one table at a time, and the commands themselves.

mod common;

use std::path::Path;
use std::process::{Command, Output};
use supaform::apply::backup::{self, BackupError};
use supaform::plan::BackupSpec;

/// `md5` of every row as text, in key order: equal checksums, equal content.
async fn checksum(c: &tokio_postgres::Client, table: &str, key: &str) -> String {
    c.query_one(
        &format!(
            "SELECT coalesce(md5(string_agg(t::text, '|' ORDER BY {key})), 'empty') FROM {table} t"
        ),
        &[],
    )
    .await
    .unwrap_or_else(|e| panic!("checksum of {table}: {e}"))
    .get(0)
}

async fn exists(c: &tokio_postgres::Client, table: &str) -> bool {
    c.query_one("SELECT to_regclass($1) IS NOT NULL", &[&table])
        .await
        .unwrap()
        .get(0)
}

fn spec(table: &str, columns: Option<&[&str]>) -> BackupSpec {
    BackupSpec {
        table: table.to_string(),
        columns: columns.map(|c| c.iter().map(|s| s.to_string()).collect()),
    }
}

const AWKWARD: &str = r#"
CREATE TYPE public.mood AS ENUM ('sad', 'ok', 'happy ''quoted''', 'with space');
CREATE TABLE public."Awkward Table" (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    t text,
    b bytea,
    j jsonb,
    arr text[],
    n numeric,
    f double precision,
    ts timestamptz,
    iv interval,
    m public.mood,
    "Mixed ""Col""" text NOT NULL DEFAULT '',
    doubled bigint GENERATED ALWAYS AS (id * 2) STORED,
    CONSTRAINT t_len CHECK (char_length(t) < 1000)
);
CREATE INDEX awkward_t_idx ON public."Awkward Table" (t);
ALTER TABLE public."Awkward Table" ENABLE ROW LEVEL SECURITY;
CREATE POLICY awkward_read ON public."Awkward Table" FOR SELECT TO authenticated USING (true);
INSERT INTO public."Awkward Table" (t, b, j, arr, n, f, ts, iv, m, "Mixed ""Col""") VALUES
  (NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, ''),
  ('', '\x', '{}', '{}', 0, 0, 'epoch', '0', 'sad', 'x'),
  (E'tab\there\nnewline\\backslash\r\ncrlf', '\x00ff5c0a0d09', '{"a": [1, "x\n\\y", null], "ü": true}',
   ARRAY['a,b', NULL, '"q"', E'back\\slash', ''], 'NaN', 'NaN', 'infinity', '-1 day 02:03:04.5', 'happy ''quoted''', E'\\N'),
  ('unicode 😀 ünï 中文', decode(repeat('ab', 1000), 'hex'), '[1.5e300, -0.0]', ARRAY['😀'],
   1.000000000000000000000000001, 0.1, '2020-02-29 23:59:59.123456+05:30', '1 year 2 mons', 'with space', '|'),
  ('\.', '\x5c2e', '"\\."', ARRAY[E'\\.'], -123456789012345678901234567890.5, 1e-310, '-infinity', '-178000000 years', 'ok', E'\t');
"#;

#[tokio::test]
async fn awkward_table_round_trips_byte_for_byte_after_a_drop() {
    let url = common::fresh_db("awkward").await;
    let c = common::connect(&url).await;
    c.batch_execute(AWKWARD).await.unwrap();
    let table = r#"public."Awkward Table""#;
    let before = checksum(&c, table, "id").await;

    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("b");
    let m = backup::take(
        &c,
        &[spec("public.Awkward Table", None)],
        &out,
        "test",
        "before apply: drop table public.Awkward Table",
    )
    .await
    .unwrap();
    assert_eq!(m.entries.len(), 1);
    assert_eq!(m.entries[0].rows, 5);
    assert!(!m.entries[0].data_columns.contains(&"doubled".to_string()));
    assert!(out.join(backup::MANIFEST_FILE).exists());
    assert!(out.join(backup::ROLLBACK_FILE).exists());

    // The table, its enum, and the next identity value all go.
    c.batch_execute(&format!("DROP TABLE {table}; DROP TYPE public.mood"))
        .await
        .unwrap();
    let report = backup::restore(&c, &out, None).await.unwrap();
    assert_eq!(report.tables.len(), 1);
    let r = &report.tables[0];
    assert_eq!((r.rows, r.recreated), (5, true));
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    assert_eq!(checksum(&c, table, "id").await, before);

    // What the table owned came back too: index, check, RLS and its policy, identity.
    let row = c
        .query_one(
            "SELECT to_regclass('public.awkward_t_idx') IS NOT NULL,
                    (SELECT relrowsecurity FROM pg_class WHERE oid = to_regclass($1)),
                    (SELECT count(*) FROM pg_policies WHERE policyname = 'awkward_read'),
                    (SELECT count(*) FROM pg_constraint WHERE conname = 't_len')",
            &[&table],
        )
        .await
        .unwrap();
    assert!(row.get::<_, bool>(0));
    assert!(row.get::<_, bool>(1));
    assert_eq!(row.get::<_, i64>(2), 1);
    assert_eq!(row.get::<_, i64>(3), 1);
    let next: i64 = c
        .query_one(
            &format!("INSERT INTO {table} DEFAULT VALUES RETURNING id"),
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(next, 6, "the identity continues after the restored rows");
}

#[tokio::test]
async fn dropped_column_of_100k_rows_comes_back_identical() {
    let url = common::fresh_db("column").await;
    let c = common::connect(&url).await;
    c.batch_execute(
        "CREATE TABLE public.events (
            id bigint PRIMARY KEY,
            kept int NOT NULL,
            payload text NOT NULL
         );
         CREATE INDEX events_payload_idx ON public.events (payload);
         INSERT INTO public.events
           SELECT g, g % 7, md5(g::text) || CASE WHEN g % 10 = 0 THEN E'\\t\\n' ELSE '' END
           FROM generate_series(1, 100000) g;",
    )
    .await
    .unwrap();
    let before = checksum(&c, "public.events", "id").await;

    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("b");
    let m = backup::take(
        &c,
        &[spec("public.events", Some(&["id", "payload"]))],
        &out,
        "test",
        "before apply: drop column public.events.payload",
    )
    .await
    .unwrap();
    let e = &m.entries[0];
    assert_eq!(e.rows, 100_000);
    assert_eq!(e.key, vec!["id"]);
    assert_eq!(e.columns, Some(vec!["payload".to_string()]));
    assert_eq!(e.data_columns, vec!["id", "payload"]);

    c.batch_execute("ALTER TABLE public.events DROP COLUMN payload")
        .await
        .unwrap();
    assert_ne!(checksum(&c, "public.events", "id").await, before);
    let report = backup::restore(&c, &out, None).await.unwrap();
    let r = &report.tables[0];
    assert_eq!((r.rows, r.unmatched, r.recreated), (100_000, 0, true));
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    assert_eq!(checksum(&c, "public.events", "id").await, before);
    let row = c
        .query_one(
            "SELECT attnotnull, to_regclass('public.events_payload_idx') IS NOT NULL
               FROM pg_attribute WHERE attrelid = 'public.events'::regclass AND attname = 'payload'",
            &[],
        )
        .await
        .unwrap();
    assert!(row.get::<_, bool>(0), "NOT NULL restored after the data");
    assert!(row.get::<_, bool>(1), "the index on the column restored");
}

#[tokio::test]
async fn overwritten_column_values_are_put_back_on_their_rows() {
    let url = common::fresh_db("overwrite").await;
    let c = common::connect(&url).await;
    c.batch_execute(
        "CREATE TABLE public.prices (sku text, region int, amount numeric(12, 4), note text,
                                     PRIMARY KEY (sku, region));
         INSERT INTO public.prices
           SELECT 'sku-' || g, g % 3, g * 1.2345, 'n' || g FROM generate_series(1, 1000) g;",
    )
    .await
    .unwrap();
    let before = checksum(&c, "public.prices", "sku, region").await;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("b");
    let m = backup::take(
        &c,
        &[spec("public.prices", Some(&["sku", "region", "amount"]))],
        &out,
        "test",
        "before apply: change type of public.prices.amount",
    )
    .await
    .unwrap();
    assert_eq!(m.entries[0].key, vec!["sku", "region"]);
    // A lossy rewrite of the column, one row gone, one row added.
    c.batch_execute(
        "UPDATE public.prices SET amount = round(amount);
         DELETE FROM public.prices WHERE sku = 'sku-1';
         INSERT INTO public.prices VALUES ('new', 0, 1, 'new');",
    )
    .await
    .unwrap();
    let report = backup::restore(&c, &out, None).await.unwrap();
    let r = &report.tables[0];
    assert_eq!((r.rows, r.unmatched, r.recreated), (999, 1, false));
    c.batch_execute(
        "DELETE FROM public.prices WHERE sku = 'new';
         INSERT INTO public.prices VALUES ('sku-1', 1, 1.2345, 'n1');",
    )
    .await
    .unwrap();
    assert_eq!(checksum(&c, "public.prices", "sku, region").await, before);
}

#[tokio::test]
async fn a_tampered_data_file_is_refused_by_name_and_nothing_changes() {
    let url = common::fresh_db("tamper").await;
    let c = common::connect(&url).await;
    c.batch_execute(
        "CREATE TABLE public.a (id int PRIMARY KEY, v text);
         INSERT INTO public.a SELECT g, 'row ' || g FROM generate_series(1, 50) g;
         CREATE TABLE public.b (id int PRIMARY KEY);
         INSERT INTO public.b VALUES (1);",
    )
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("b");
    let m = backup::take(
        &c,
        &[spec("public.b", None), spec("public.a", None)],
        &out,
        "test",
        "test",
    )
    .await
    .unwrap();
    c.batch_execute("DROP TABLE public.a; DROP TABLE public.b")
        .await
        .unwrap();

    // Same size, one byte changed: only the checksum can tell.
    let file = &m.entries[1].data_file;
    let path = out.join(file);
    let mut bytes = std::fs::read(&path).unwrap();
    let i = bytes.iter().position(|&b| b == b'r').unwrap();
    bytes[i] = b'R';
    std::fs::write(&path, &bytes).unwrap();

    let err = backup::restore(&c, &out, None).await.unwrap_err();
    assert!(matches!(err, BackupError::Damaged { .. }), "{err:?}");
    assert!(err.to_string().contains(file.as_str()), "{err}");
    assert!(!exists(&c, "public.b").await, "nothing restored");

    // A truncated file is caught too, and a directory without a manifest refused.
    std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
    let err = backup::restore(&c, &out, None).await.unwrap_err();
    assert!(err.to_string().contains(file.as_str()), "{err}");
    std::fs::remove_file(out.join(backup::MANIFEST_FILE)).unwrap();
    let err = backup::restore(&c, &out, None).await.unwrap_err();
    assert!(matches!(err, BackupError::NoManifest { .. }), "{err:?}");
}

#[tokio::test]
async fn one_table_restores_alone_and_a_populated_table_is_refused() {
    let url = common::fresh_db("onetable").await;
    let c = common::connect(&url).await;
    c.batch_execute(
        "CREATE TABLE public.parents (id int PRIMARY KEY, name text);
         CREATE TABLE public.kids (id serial PRIMARY KEY, parent int REFERENCES public.parents (id), name text);
         INSERT INTO public.parents VALUES (1, 'p1'), (2, 'p2');
         CREATE SEQUENCE public.custom_seq START 100;
         ALTER TABLE public.kids ADD COLUMN code bigint NOT NULL DEFAULT nextval('public.custom_seq');
         ALTER SEQUENCE public.custom_seq OWNED BY public.kids.code;
         INSERT INTO public.kids (parent, name) VALUES (1, 'k1'), (2, 'k2'), (NULL, 'k3');",
    )
    .await
    .unwrap();
    let parents = checksum(&c, "public.parents", "id").await;
    let kids = checksum(&c, "public.kids", "id").await;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("b");
    backup::take(
        &c,
        &[spec("public.parents", None), spec("public.kids", None)],
        &out,
        "test",
        "test",
    )
    .await
    .unwrap();

    c.batch_execute("DROP TABLE public.kids; DROP TABLE public.parents")
        .await
        .unwrap();
    let err = backup::restore(&c, &out, Some("public.nope"))
        .await
        .unwrap_err();
    assert!(matches!(err, BackupError::NoSuchTable { .. }), "{err:?}");

    let report = backup::restore(&c, &out, Some("public.parents"))
        .await
        .unwrap();
    assert_eq!(report.tables.len(), 1);
    assert!(
        report.tables[0].warnings.is_empty(),
        "the foreign key from the missing kids table is skipped quietly: {:?}",
        report.tables[0].warnings
    );
    assert_eq!(checksum(&c, "public.parents", "id").await, parents);
    assert!(!exists(&c, "public.kids").await, "only the named table");

    // A bare name means public.NAME; the serial sequence and the foreign key come back.
    let report = backup::restore(&c, &out, Some("kids")).await.unwrap();
    assert!(
        report.tables[0].warnings.is_empty(),
        "{:?}",
        report.tables[0].warnings
    );
    assert_eq!(checksum(&c, "public.kids", "id").await, kids);
    let row = c
        .query_one(
            "INSERT INTO public.kids (name) VALUES ('k4') RETURNING id, code",
            &[],
        )
        .await
        .unwrap();
    assert_eq!((row.get::<_, i32>(0), row.get::<_, i64>(1)), (4, 103));
    let seqs: Vec<String> = c
        .query(
            "SELECT relname::text FROM pg_class WHERE relkind = 'S' AND relnamespace = 'public'::regnamespace ORDER BY 1",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(seqs, ["custom_seq", "kids_id_seq"], "each sequence once");
    let fk: i64 = c
        .query_one(
            "SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND conrelid = 'public.kids'::regclass",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(fk, 1);

    // Restoring again would mix the backup with the rows now there: refused.
    let err = backup::restore(&c, &out, Some("public.parents"))
        .await
        .unwrap_err();
    assert!(matches!(err, BackupError::TableNotEmpty { .. }), "{err:?}");
    // An empty existing table is restored into.
    c.batch_execute("DELETE FROM public.kids; DELETE FROM public.parents")
        .await
        .unwrap();
    backup::restore(&c, &out, None).await.unwrap();
    assert_eq!(checksum(&c, "public.parents", "id").await, parents);
    assert_eq!(checksum(&c, "public.kids", "id").await, kids);
}

#[tokio::test]
async fn tables_referencing_each_other_restore_together_in_any_order() {
    let url = common::fresh_db("fkpair").await;
    let c = common::connect(&url).await;
    c.batch_execute(
        "CREATE TABLE public.parents (id int PRIMARY KEY);
         CREATE TABLE public.kids (id int PRIMARY KEY, parent int NOT NULL REFERENCES public.parents (id) ON DELETE CASCADE);
         INSERT INTO public.parents SELECT generate_series(1, 10);
         INSERT INTO public.kids SELECT g, g % 10 + 1 FROM generate_series(1, 100) g;",
    )
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("b");
    // The referencing table first: its key can only be added once the parents are back.
    backup::take(
        &c,
        &[spec("public.kids", None), spec("public.parents", None)],
        &out,
        "test",
        "test",
    )
    .await
    .unwrap();
    c.batch_execute("DROP TABLE public.kids, public.parents")
        .await
        .unwrap();
    let report = backup::restore(&c, &out, None).await.unwrap();
    for r in &report.tables {
        assert!(r.warnings.is_empty(), "{}: {:?}", r.table, r.warnings);
    }
    let fks: Vec<String> = c
        .query(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE contype = 'f' AND connamespace = 'public'::regnamespace",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(
        fks,
        ["FOREIGN KEY (parent) REFERENCES parents(id) ON DELETE CASCADE"]
    );
}

#[tokio::test]
async fn manifests_naming_other_things_than_tables_and_files_are_refused() {
    let url = common::fresh_db("badmanifest").await;
    let c = common::connect(&url).await;
    c.batch_execute("CREATE TABLE public.x (id int PRIMARY KEY); INSERT INTO public.x VALUES (1)")
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("b");
    backup::take(&c, &[spec("public.x", None)], &out, "test", "test")
        .await
        .unwrap();
    let path = out.join(backup::MANIFEST_FILE);
    let good = std::fs::read_to_string(&path).unwrap();
    for (from, to) in [
        ("\"table\": \"public.x\"", "\"table\": \"x; DROP TABLE y\""),
        (
            "\"data_file\": \"1_public.x.copy\"",
            "\"data_file\": \"../../etc/passwd\"",
        ),
        ("\"format_version\": 1", "\"format_version\": 99"),
    ] {
        assert!(good.contains(from), "{from} in {good}");
        std::fs::write(&path, good.replace(from, to)).unwrap();
        let err = backup::restore(&c, &out, None).await.unwrap_err();
        assert!(
            matches!(err, BackupError::BadManifest { .. }),
            "{to}: {err:?}"
        );
    }
    // A second backup into the same directory is refused.
    std::fs::write(&path, &good).unwrap();
    let err = backup::take(&c, &[spec("public.x", None)], &out, "test", "test")
        .await
        .unwrap_err();
    assert!(matches!(err, BackupError::DirExists { .. }), "{err:?}");
}

fn supaform(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_supaform"))
        .current_dir(dir)
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run supaform")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[tokio::test]
async fn backup_and_restore_commands_round_trip_an_environment() {
    let url = common::fresh_db("cli").await;
    let c = common::connect(&url).await;
    c.batch_execute(
        "CREATE TABLE public.notes (id int PRIMARY KEY, body text, at timestamptz DEFAULT now());
         INSERT INTO public.notes (id, body) SELECT g, repeat('n', g) FROM generate_series(1, 300) g;
         CREATE TABLE public.\"Tags\" (name text PRIMARY KEY);
         INSERT INTO public.\"Tags\" VALUES ('a'), ('b');",
    )
    .await
    .unwrap();
    let notes = checksum(&c, "public.notes", "id").await;
    let tags = checksum(&c, "public.\"Tags\"", "name").await;

    let cfg = tempfile::tempdir().unwrap();
    std::fs::write(
        cfg.path().join("main.hcl"),
        format!(
            "project {{\n  schemas = [\"public\"]\n}}\nenvironment \"test\" {{\n  database_url = \"{url}\"\n}}\n"
        ),
    )
    .unwrap();
    let out = supaform(cfg.path(), &["backup", "-e", "test", "--out", "bk"]);
    assert!(
        out.status.success(),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("Backup complete: 2 tables, 302 rows"),
        "{stdout}"
    );
    let bk = cfg.path().join("bk");
    let m = backup::read_manifest(&bk).unwrap();
    assert_eq!(m.environment, "test");
    let dump = std::fs::read_to_string(bk.join("schema.sql")).expect("pg_dump 15 is installed");
    assert!(dump.contains("CREATE TABLE public.notes"), "{dump}");

    // The default directory: <config>/backups/<env>/<timestamp>/.
    let out = supaform(cfg.path(), &["backup", "-e", "test"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let envdir = cfg.path().join("backups").join("test");
    let stamps: Vec<_> = std::fs::read_dir(&envdir).unwrap().collect();
    assert_eq!(stamps.len(), 1);
    let stamp = stamps[0].as_ref().unwrap().path();
    assert!(stamp.join(backup::MANIFEST_FILE).exists());

    c.batch_execute("DROP TABLE public.notes; DROP TABLE public.\"Tags\"")
        .await
        .unwrap();
    // No terminal, no --yes: refused before touching anything.
    let out = supaform(cfg.path(), &["restore", "bk", "-e", "test"]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("--auto-approve"),
        "{}",
        text(&out.stderr)
    );
    assert!(!exists(&c, "public.notes").await);

    let out = supaform(
        cfg.path(),
        &[
            "restore",
            "bk",
            "-e",
            "test",
            "--table",
            "public.Tags",
            "--yes",
        ],
    );
    assert!(
        out.status.success(),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    assert_eq!(checksum(&c, "public.\"Tags\"", "name").await, tags);
    assert!(!exists(&c, "public.notes").await);

    let out = supaform(
        cfg.path(),
        &["restore", "bk", "-e", "test", "--table", "notes", "--yes"],
    );
    assert!(
        out.status.success(),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    assert!(
        text(&out.stdout).contains("300 rows restored"),
        "{}",
        text(&out.stdout)
    );
    assert_eq!(checksum(&c, "public.notes", "id").await, notes);
    assert!(!text(&out.stdout).contains("password"));
}
