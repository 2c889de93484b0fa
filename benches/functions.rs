//! Deploys 20 Edge Functions of 50 files each against the fake Management API (which
//! validates every request against the OpenAPI document), through the client's shared rate
//! limiter, then waits for them to be ACTIVE. Reports the wall time and the requests each
//! function cost (must be at most 2), and the same deploy to the directory target.
//!
//! `cargo bench --bench functions` (add `--profile dev` to skip the release build: the
//! time is dominated by the rate limit, not by CPU).

#[path = "../tests/fake_api/mod.rs"]
mod fake_api;

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};
use supaform::functions::{DirectoryTarget, Target};
use supaform::model::EdgeFunction;

const FUNCTIONS: usize = 20;
const FILES: usize = 50;

fn make_sources(root: &Path) -> Vec<EdgeFunction> {
    let mut out = Vec::new();
    for i in 0..FUNCTIONS {
        let slug = format!("bench-fn-{i:02}");
        let dir = root.join("functions").join(&slug);
        for j in 0..FILES {
            let rel = if j == 0 {
                "index.ts".to_string()
            } else {
                format!("lib/mod_{j:02}.ts")
            };
            let p = dir.join(&rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            let body = format!("export const v{j} = {i};\n").repeat(60); // ~1.3 KiB
            std::fs::write(p, body).unwrap();
        }
        out.push(EdgeFunction {
            slug: slug.clone(),
            name: slug.clone(),
            source: format!("functions/{slug}"),
            entrypoint: "index.ts".into(),
            verify_jwt: true,
            import_map: None,
            static_files: vec![],
            secrets: vec![],
        });
    }
    out
}

struct Run {
    label: String,
    elapsed: Duration,
    max_per_fn: usize,
    total: usize,
}

async fn run_api(label: &str, cfg: &Path, fs: &[EdgeFunction], per_minute: u32, burst: u32) -> Run {
    let fake = fake_api::FakeApi::start().await;
    let t = Target::Api(fake.client().with_rate_limit(per_minute, burst));
    let slugs: Vec<String> = fs.iter().map(|f| f.slug.clone()).collect();
    let start = Instant::now();
    let report = t.deploy_many(cfg, fs, 4).await;
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    let st = t
        .wait_active(&slugs, Duration::from_secs(60))
        .await
        .unwrap();
    let elapsed = start.elapsed();
    assert!(st.iter().all(|(_, s)| s == "ACTIVE"));
    let mut per: BTreeMap<String, usize> = BTreeMap::new();
    let log = fake.requests();
    for r in &log {
        *per.entry(r.slug().unwrap_or_default()).or_default() += 1;
    }
    assert_eq!(per.len(), FUNCTIONS);
    Run {
        label: label.into(),
        elapsed,
        max_per_fn: per.values().copied().max().unwrap_or(0),
        total: log.len(),
    }
}

#[tokio::main]
async fn main() {
    let cfg = tempfile::tempdir().unwrap();
    let fs = make_sources(cfg.path());
    let mut runs = Vec::new();
    runs.push(
        run_api(
            "Management API (fake), default limiter 120/min burst 10",
            cfg.path(),
            &fs,
            120,
            10,
        )
        .await,
    );
    runs.push(
        run_api(
            "Management API (fake), limiter lifted (client + validating fake, no waiting)",
            cfg.path(),
            &fs,
            1_000_000,
            1_000,
        )
        .await,
    );
    let vol = tempfile::tempdir().unwrap();
    let t = Target::Directory(DirectoryTarget::new(vol.path()));
    let start = Instant::now();
    let report = t.deploy_many(cfg.path(), &fs, 4).await;
    assert!(report.failed.is_empty());
    runs.push(Run {
        label: "directory target (fsync per file, atomic swap)".into(),
        elapsed: start.elapsed(),
        max_per_fn: 0,
        total: 0,
    });

    println!("{FUNCTIONS} functions × {FILES} files");
    println!("| target | wall time | requests | max requests per function |");
    println!("|---|---|---|---|");
    for r in &runs {
        println!(
            "| {} | {:.2} s | {} | {} |",
            r.label,
            r.elapsed.as_secs_f64(),
            r.total,
            r.max_per_fn
        );
    }
    for r in &runs {
        assert!(
            r.max_per_fn <= 2,
            "{}: {} requests for one function",
            r.label,
            r.max_per_fn
        );
    }
}
