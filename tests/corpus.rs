//! Real Supabase projects (tests/corpus/<project>/migrations, pinned and licensed as
//! tests/corpus/README.md says), each taken through what a team adopting supaform does,
//! with the real executable:
//!
//! 1. `migrations`: its migration files, in order, applied onto a fresh Supabase-like
//!    database (the embedded bootstrap), each file in one transaction as the Supabase CLI
//!    does;
//! 2. `import`: `supaform import` with default options writes a configuration that
//!    validates;
//! 3. `no-op`: `supaform plan --detailed-exitcode` against the source exits 0;
//! 4. `change`: one added column plans exactly that step, and its rehearsal runs;
//! 5. `apply`: `supaform apply` of the import to a fresh database succeeds and a plan
//!    against it is empty;
//! 6. `dump`: `pg_dump --schema-only` of every user schema of the copy equals the
//!    original's (statements compared as a set);
//! 7. `diff`: `supaform diff --from source --to copy --detailed-exitcode` exits 0.
//!
//! The result table is `docs/compatibility.md`; this test fails when the results differ
//! from it, either way (`COMPAT_BLESS=1` rewrites it), so a regression cannot pass
//! unnoticed and an improvement is recorded. Why each failing step fails is printed.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;

const STEPS: [&str; 7] = [
    "migrations",
    "import",
    "no-op",
    "change",
    "apply",
    "dump",
    "diff",
];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

fn projects() -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(root().join("tests/corpus"))
        .unwrap()
        .flatten()
        .filter(|e| e.path().join("migrations").is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

fn migrations(project: &str) -> Vec<PathBuf> {
    let dir = root().join("tests/corpus").join(project).join("migrations");
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "sql"))
        .collect();
    v.sort();
    v
}

fn supaform(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_supaform"))
        .current_dir(dir)
        .args(args)
        .env("NO_COLOR", "1")
        .env("SUPAFORM_CACHE_DIR", common::cache_dir())
        .output()
        .expect("run supaform")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// The first and last lines of a failure (where the error is), for the test's output.
fn brief(s: &str) -> String {
    let lines: Vec<&str> = s
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.contains("[info]") && !l.contains("L310"))
        .collect();
    if lines.len() <= 24 {
        return lines.join("\n      ");
    }
    format!(
        "{}\n      …\n      {}",
        lines[..4].join("\n      "),
        lines[lines.len() - 20..].join("\n      ")
    )
}

/// One project's outcome: per step, `Ok` or why not (steps after a failure are skipped).
struct Outcome {
    project: String,
    files: usize,
    objects: String,
    steps: Vec<Result<(), String>>,
    /// Why the project could not be run on this machine (an extension it needs that no
    /// stand-in covers is not installed): its recorded row is then left unchecked.
    skipped: Option<String>,
}

/// Extensions some projects need that only the machine can provide (Debian packages them;
/// `.ci/run` installs them): (project, extension, package).
const MACHINE_EXTENSIONS: &[(&str, &str, &str)] =
    &[("postgrest-js-test", "postgis", "postgresql-15-postgis-3")];

async fn missing_machine_extension(url: &str, project: &str) -> Option<String> {
    let client = common::connect(url).await;
    for (p, ext, package) in MACHINE_EXTENSIONS {
        if *p != project {
            continue;
        }
        let row = client
            .query_opt(
                "select 1 from pg_available_extensions where name = $1",
                &[ext],
            )
            .await
            .unwrap();
        if row.is_none() {
            return Some(format!(
                "needs {ext}, which this machine lacks (apt-get install {package}; .ci/run installs it)"
            ));
        }
    }
    None
}

async fn apply_migrations(url: &str, files: &[PathBuf]) -> Result<(), String> {
    let client = common::connect(url).await;
    for f in files {
        let sql = std::fs::read_to_string(f).map_err(|e| e.to_string())?;
        // Role settings are the cluster's: two projects setting one for the same role at
        // once collide in Postgres (`pg_db_role_setting_databaseid_rol_index`), so files
        // that alter roles run one at a time.
        static ROLES: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
        let _roles = if sql.to_ascii_lowercase().contains("alter role") {
            Some(ROLES.lock().await)
        } else {
            None
        };
        // As the Supabase CLI runs a migration: one transaction per file.
        let r = client
            .batch_execute(&format!("BEGIN;\n{sql}\n;COMMIT;"))
            .await;
        if let Err(e) = r {
            let _ = client.batch_execute("ROLLBACK").await;
            let msg = e
                .as_db_error()
                .map(|d| d.message().to_string())
                .unwrap_or_else(|| e.to_string());
            return Err(format!(
                "{}: {msg}",
                f.file_name().unwrap().to_string_lossy()
            ));
        }
    }
    Ok(())
}

/// `pg_dump --schema-only` of the user schemas, as a set of statements.
fn dump(url: &str) -> Result<BTreeSet<String>, String> {
    let bins = supaform::local::find_binaries().map_err(|e| format!("{e:?}"))?;
    let mut cmd = Command::new(bins.bin_dir.join("pg_dump"));
    cmd.args(["--schema-only", "--no-comments", "--dbname", url]);
    for s in supaform::model::PLATFORM_SCHEMAS {
        cmd.arg(format!("--exclude-schema={s}"));
    }
    cmd.arg("--exclude-schema=pg_*");
    let out = cmd.output().map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    let text = String::from_utf8_lossy(&out.stdout);
    // One entry per object of pg_dump's table of contents (`-- Name: …` headers), so that
    // function bodies with `;` inside stay whole.
    let mut entries = BTreeSet::new();
    let mut cur = String::new();
    let mut flush = |cur: &mut String| {
        let t = cur.trim().to_string();
        let acl = |l: &str| {
            l.starts_with("GRANT ")
                || l.starts_with("REVOKE ")
                || l.starts_with("ALTER DEFAULT PRIVILEGES ")
        };
        if t.lines().all(acl) {
            // Privileges one by one: their order follows the ACL's, not the schema.
            entries.extend(t.lines().map(str::to_string));
        } else if !t.is_empty() {
            entries.insert(t);
        }
        cur.clear();
    };
    for l in text.lines() {
        if l.starts_with("-- Name: ") {
            flush(&mut cur);
            continue;
        }
        let noise = l.starts_with("--")
            || l.starts_with("SET ")
            || l.starts_with("SELECT pg_catalog.set_config")
            // pg_dump ≥ 15.14 fences its output with a random key.
            || l.starts_with("\\restrict ")
            || l.starts_with("\\unrestrict ");
        if !noise {
            cur.push_str(l);
            cur.push('\n');
        }
    }
    flush(&mut cur);
    Ok(entries)
}

/// Add a nullable column to the first table block of the imported configuration.
fn add_probe_column(infra: &Path) -> Option<(PathBuf, String, String)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(infra)
        .ok()?
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("table_"))
        })
        .collect();
    files.sort();
    let file = files.first()?.clone();
    let before = std::fs::read_to_string(&file).ok()?;
    let (i, line) = before
        .lines()
        .enumerate()
        .find(|(_, l)| l.starts_with("table "))?;
    let table_label = line.split('"').nth(1)?.to_string();
    let schema = before
        .lines()
        .skip(i + 1)
        .find_map(|l| l.trim().strip_prefix("schema").map(str::to_string))
        .and_then(|v| v.split('"').nth(1).map(str::to_string))
        .unwrap_or_else(|| "public".into());
    let mut after = String::new();
    for (n, l) in before.lines().enumerate() {
        after.push_str(l);
        after.push('\n');
        if n == i {
            after.push_str(
                "  column \"supaform_probe\" {\n    type = \"text\"\n    null = true\n  }\n",
            );
        }
    }
    std::fs::write(&file, &after).ok()?;
    Some((
        file,
        before,
        format!("table.{schema}.{table_label}.column.supaform_probe"),
    ))
}

async fn run_project(project: String) -> Outcome {
    let files = migrations(&project);
    let mut out = Outcome {
        project: project.clone(),
        files: files.len(),
        objects: String::new(),
        steps: vec![],
        skipped: None,
    };
    let tag = project.replace('-', "_");
    let source = common::fresh_db(&format!("cs_{tag}")).await;
    let copy = common::fresh_db(&format!("cc_{tag}")).await;
    if let Some(why) = missing_machine_extension(&source, &project).await {
        out.skipped = Some(why);
        return out;
    }
    let dir = tempfile::tempdir().unwrap();
    let infra = dir.path().join("infra");
    let infra_s = infra.to_str().unwrap().to_string();

    macro_rules! step {
        ($r:expr) => {{
            let r: Result<(), String> = $r;
            let ok = r.is_ok();
            out.steps.push(r);
            if !ok {
                return out;
            }
        }};
    }

    step!(apply_migrations(&source, &files).await);

    let o = supaform(
        dir.path(),
        &["import", "--database-url", &source, "--out", &infra_s],
    );
    let t = text(&o);
    if let Some(l) = t.lines().find(|l| l.starts_with("Imported ")) {
        out.objects = l
            .trim_start_matches("Imported ")
            .split(" from ")
            .next()
            .unwrap_or_default()
            .to_string();
    }
    step!(
        if o.status.success() && t.contains("The imported configuration is valid.") {
            Ok(())
        } else {
            Err(brief(&t))
        }
    );
    std::fs::write(
        infra.join("environments.hcl"),
        format!(
            "environment \"source\" {{\n  database_url = {}\n}}\nenvironment \"copy\" {{\n  database_url = {}\n}}\n",
            supaform::config::write::hcl_string(&source),
            supaform::config::write::hcl_string(&copy)
        ),
    )
    .unwrap();
    let c = |args: &[&str]| {
        let mut all = vec!["-c", infra_s.as_str()];
        all.extend_from_slice(args);
        supaform(dir.path(), &all)
    };

    let o = c(&["plan", "-e", "source", "--detailed-exitcode"]);
    step!(
        if o.status.code() == Some(0) && text(&o).contains("No changes.") {
            Ok(())
        } else {
            Err(brief(&text(&o)))
        }
    );

    step!(match add_probe_column(&infra) {
        None => Err("no table to add a column to".into()),
        Some((file, before, address)) => {
            let o = c(&["plan", "-e", "source", "--detailed-exitcode", "--json"]);
            std::fs::write(&file, before).unwrap();
            let plan: Option<serde_json::Value> = serde_json::from_slice(&o.stdout).ok();
            let addresses: Vec<String> = plan
                .as_ref()
                .and_then(|p| p["steps"].as_array().cloned())
                .unwrap_or_default()
                .iter()
                .map(|s| s["address"].as_str().unwrap_or_default().to_string())
                .collect();
            if o.status.code() != Some(2) || addresses != [address.clone()] {
                Err(format!(
                    "expected only {address}: {addresses:?} {}",
                    brief(&text(&o))
                ))
            } else if text(&o).contains("Rehearsal skipped") {
                Err(brief(&text(&o)))
            } else {
                Ok(())
            }
        }
    });

    let o = c(&["apply", "-e", "copy", "--auto-approve", "--allow-dangerous"]);
    step!(if !o.status.success() {
        Err(brief(&text(&o)))
    } else {
        let p = c(&["plan", "-e", "copy", "--detailed-exitcode"]);
        if p.status.code() == Some(0) {
            Ok(())
        } else {
            Err(format!("plan after apply: {}", brief(&text(&p))))
        }
    });

    step!(match (dump(&source), dump(&copy)) {
        (Ok(a), Ok(b)) if a == b => Ok(()),
        (Ok(a), Ok(b)) => {
            let only_a: Vec<&String> = a.difference(&b).take(4).collect();
            let only_b: Vec<&String> = b.difference(&a).take(4).collect();
            Err(format!(
                "{} statements only in the source, {} only in the copy; e.g. source: {only_a:?}; copy: {only_b:?}",
                a.difference(&b).count(),
                b.difference(&a).count()
            ))
        }
        (Err(e), _) | (_, Err(e)) => Err(e),
    });

    let o = c(&[
        "diff",
        "--from",
        "source",
        "--to",
        "copy",
        "--detailed-exitcode",
    ]);
    step!(if o.status.code() == Some(0) {
        Ok(())
    } else {
        Err(brief(&text(&o)))
    });
    out
}

fn table(outcomes: &[Outcome]) -> String {
    let mut s = String::from("| project | migration files | imported | ");
    s.push_str(&STEPS.join(" | "));
    s.push_str(" |\n|---|---:|---|");
    s.push_str(&"---|".repeat(STEPS.len()));
    s.push('\n');
    for o in outcomes {
        s.push_str(&format!("| {} | {} | {} |", o.project, o.files, o.objects));
        for i in 0..STEPS.len() {
            let cell = match o.steps.get(i) {
                Some(Ok(())) => "pass",
                Some(Err(_)) => "**fail**",
                None => "–",
            };
            s.push_str(&format!(" {cell} |"));
        }
        s.push('\n');
    }
    let whole = outcomes
        .iter()
        .filter(|o| o.steps.len() == STEPS.len() && o.steps.iter().all(Result::is_ok))
        .count();
    s.push_str(&format!(
        "\n{whole} of {} projects pass every step.\n",
        outcomes.len()
    ));
    s
}

const BEGIN: &str = "<!-- corpus table: written by `COMPAT_BLESS=1 cargo test --test corpus` -->\n";
const END: &str = "<!-- end of corpus table -->\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn real_projects_import_plan_apply_and_round_trip() {
    common::server();
    let sem = Arc::new(tokio::sync::Semaphore::new(3));
    let mut set = tokio::task::JoinSet::new();
    for p in projects() {
        let sem = sem.clone();
        set.spawn(async move {
            let _permit = sem.acquire_owned().await.unwrap();
            run_project(p).await
        });
    }
    let mut outcomes = vec![];
    while let Some(r) = set.join_next().await {
        outcomes.push(r.unwrap());
    }
    outcomes.sort_by(|a, b| a.project.cmp(&b.project));
    for o in &outcomes {
        if let Some(why) = &o.skipped {
            eprintln!("{} · not run: {why}", o.project);
        }
        for (i, r) in o.steps.iter().enumerate() {
            if let Err(e) = r {
                eprintln!("{} · {}: {e}", o.project, STEPS[i]);
            }
        }
    }
    let skipped: Vec<String> = outcomes
        .iter()
        .filter(|o| o.skipped.is_some())
        .map(|o| o.project.clone())
        .collect();
    if skipped.is_empty() {
        check_table(&table(&outcomes), BEGIN, END);
        return;
    }
    // Only the rows of the projects this machine could run are compared.
    assert!(
        std::env::var_os("COMPAT_BLESS").is_none(),
        "cannot rewrite docs/compatibility.md on a machine that cannot run {skipped:?}"
    );
    let keep = |t: &str| -> String {
        t.lines()
            .filter(|l| {
                l.starts_with("| ")
                    && !l.starts_with("| project ")
                    && !skipped.iter().any(|p| l.starts_with(&format!("| {p} |")))
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    let doc = std::fs::read_to_string(root().join("docs/compatibility.md")).unwrap();
    let recorded = doc
        .split_once(BEGIN)
        .and_then(|(_, rest)| rest.split_once(END))
        .map(|(t, _)| keep(t))
        .unwrap_or_default();
    let ran: Vec<Outcome> = outcomes
        .into_iter()
        .filter(|o| o.skipped.is_none())
        .collect();
    assert_eq!(
        recorded,
        keep(&table(&ran)),
        "the results of the projects this machine can run differ from docs/compatibility.md"
    );
}

/// migra's test fixtures (tests/migra_fixtures/<name>/{a,b}.sql, vendored with their
/// licence): `supaform diff --from a --to b --sql`, the SQL run on `a` with psql, then
/// `diff` again must exit 0 and `pg_dump` of both be equal. The results are the second
/// table of `docs/compatibility.md`, checked the same way.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn migra_fixtures_converge_through_diff() {
    common::server();
    let dir = root().join("tests/migra_fixtures");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .filter(|e| e.path().join("a.sql").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let sem = Arc::new(tokio::sync::Semaphore::new(3));
    let mut set = tokio::task::JoinSet::new();
    for n in names {
        let sem = sem.clone();
        let dir = dir.clone();
        set.spawn(async move {
            let _permit = sem.acquire_owned().await.unwrap();
            let r = migra_case(&dir.join(&n), &n).await;
            (n, r)
        });
    }
    let mut results = vec![];
    while let Some(r) = set.join_next().await {
        results.push(r.unwrap());
    }
    results.sort_by(|a, b| a.0.cmp(&b.0));
    let mut got = String::from("| fixture | result |\n|---|---|\n");
    for (n, r) in &results {
        match r {
            Ok(()) => got.push_str(&format!("| {n} | pass |\n")),
            Err((ORDER, _)) => got.push_str(&format!(
                "| {n} | pass but for the column order (kept, and reported as a hint) |\n"
            )),
            Err((step, why)) => {
                eprintln!("migra {n} · {step}: {why}");
                got.push_str(&format!("| {n} | **fail** ({step}) |\n"));
            }
        }
    }
    let pass = results.iter().filter(|(_, r)| r.is_ok()).count();
    let order = results
        .iter()
        .filter(|(_, r)| matches!(r, Err((ORDER, _))))
        .count();
    got.push_str(&format!(
        "\n{pass} of {} fixtures converge; {order} more differ only in the order of a table's columns.\n",
        results.len()
    ));
    check_table(&got, MIGRA_BEGIN, MIGRA_END);
}

/// The result of a fixture whose schemas match but for the order of a table's columns,
/// which the second diff reports.
const ORDER: &str = "column order";

const MIGRA_BEGIN: &str =
    "<!-- migra table: written by `COMPAT_BLESS=1 cargo test --test corpus` -->\n";
const MIGRA_END: &str = "<!-- end of migra table -->\n";

async fn migra_case(dir: &Path, name: &str) -> Result<(), (&'static str, String)> {
    // The role migra's own test set-up creates (rls fixtures name it).
    let admin = common::connect(&common::server().url("postgres")).await;
    let _ = admin
        .batch_execute("DO $$ BEGIN CREATE ROLE schemainspect_test_role; EXCEPTION WHEN duplicate_object THEN NULL; END $$")
        .await;
    let tag = format!("mg_{name}");
    let a = common::fresh_db(&format!("{tag}_a")).await;
    let b = common::fresh_db(&format!("{tag}_b")).await;
    for (url, file) in [(&a, "a.sql"), (&b, "b.sql")] {
        let sql = std::fs::read_to_string(dir.join(file)).unwrap();
        let c = common::connect(url).await;
        c.batch_execute(&sql)
            .await
            .map_err(|e| ("load", format!("{file}: {e}")))?;
    }
    let tmp = tempfile::tempdir().unwrap();
    let out = supaform(tmp.path(), &["diff", "--from", &a, "--to", &b, "--sql"]);
    if !out.status.success() {
        return Err(("diff", brief(&text(&out))));
    }
    let script = tmp.path().join("diff.sql");
    std::fs::write(&script, &out.stdout).unwrap();
    let bins = supaform::local::find_binaries().map_err(|e| ("psql", format!("{e:?}")))?;
    let run = Command::new(bins.bin_dir.join("psql"))
        .args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", &a, "-f"])
        .arg(&script)
        .output()
        .map_err(|e| ("apply", e.to_string()))?;
    if !run.status.success() {
        return Err(("apply", brief(&text(&run))));
    }
    let again = supaform(
        tmp.path(),
        &["diff", "--from", &a, "--to", &b, "--detailed-exitcode"],
    );
    if again.status.code() != Some(0) {
        return Err(("converge", brief(&text(&again))));
    }
    match (dump(&a), dump(&b)) {
        (Ok(x), Ok(y)) if x == y => Ok(()),
        // supaform keeps a table's column order (reordering rebuilds the table) and says
        // so: the schemas match but for it, and the second diff names the table.
        (Ok(x), Ok(y))
            if unordered_columns(&x) == unordered_columns(&y)
                && text(&again).contains("the column order differs") =>
        {
            Err((ORDER, String::new()))
        }
        (Ok(x), Ok(y)) => Err((
            "dump",
            format!(
                "only in a: {:?}; only in b: {:?}",
                x.difference(&y).take(3).collect::<Vec<_>>(),
                y.difference(&x).take(3).collect::<Vec<_>>()
            ),
        )),
        (Err(e), _) | (_, Err(e)) => Err(("dump", e)),
    }
}

/// A dump with the column lines of each `CREATE TABLE` sorted: equal for two schemas that
/// differ only in the order of their tables' columns.
fn unordered_columns(dump: &BTreeSet<String>) -> BTreeSet<String> {
    dump.iter()
        .map(|e| {
            let Some(start) = e
                .find("CREATE TABLE")
                .or_else(|| e.find("CREATE UNLOGGED TABLE"))
            else {
                return e.clone();
            };
            let Some(open) = e[start..].find("(\n").map(|o| start + o + 2) else {
                return e.clone();
            };
            // `\n)` ends the column list (`);`, or `)` before `INHERITS`, `PARTITION BY`).
            let Some(close) = e[open..].find("\n)").map(|c| open + c) else {
                return e.clone();
            };
            let mut cols: Vec<&str> = e[open..close]
                .lines()
                .map(|l| l.trim().trim_end_matches(','))
                .collect();
            cols.sort();
            format!("{}{}{}", &e[..open], cols.join(",\n"), &e[close..])
        })
        .collect()
}

/// Compare `got` with the table between `begin` and `end` of docs/compatibility.md, or
/// rewrite it there with `COMPAT_BLESS=1`.
fn check_table(got: &str, begin: &str, end: &str) {
    let doc_path = root().join("docs/compatibility.md");
    let doc = std::fs::read_to_string(&doc_path).unwrap_or_default();
    let recorded = doc
        .split_once(begin)
        .and_then(|(_, rest)| rest.split_once(end))
        .map(|(t, _)| t.to_string());
    if std::env::var_os("COMPAT_BLESS").is_some() {
        let new = match doc.split_once(begin) {
            Some((head, rest)) => {
                let tail = rest.split_once(end).map(|(_, t)| t).unwrap_or_default();
                format!("{head}{begin}{got}{end}{tail}")
            }
            None => format!("{doc}\n{begin}{got}{end}"),
        };
        std::fs::write(&doc_path, new).unwrap();
        return;
    }
    assert_eq!(
        recorded.as_deref(),
        Some(got),
        "the results differ from docs/compatibility.md (COMPAT_BLESS=1 rewrites it; the reasons are printed above)"
    );
}
