//! Build script: a hash of the crate's sources, so caches keyed by it (the normalised
//! configurations under the cache directory) are not reused across builds of different
//! code that carry the same version number.

use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, out);
        } else {
            out.push(p);
        }
    }
}

fn main() {
    println!("cargo:rerun-if-changed=src");
    let mut all = Vec::new();
    files(Path::new("src"), &mut all);
    all.sort();
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for p in &all {
        p.hash(&mut h);
        std::fs::read(p).unwrap_or_default().hash(&mut h);
    }
    println!("cargo:rustc-env=SUPAFORM_SOURCE_HASH={:016x}", h.finish());
    standins();
}

/// `$OUT_DIR/standins.rs`: the stand-in extension files of `src/local/standins/` (control
/// files and scripts) as an array of `(file name, text)`, for `local::install::STANDINS`.
fn standins() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/local/standins");
    let mut names: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|rd| rd.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    names.retain(|p| {
        let n = p.file_name().unwrap_or_default().to_string_lossy();
        n.ends_with(".control") || (n.ends_with(".sql") && n.contains("--"))
    });
    names.sort();
    let mut out = String::from("[\n");
    for p in &names {
        let n = p.file_name().unwrap_or_default().to_string_lossy();
        out.push_str(&format!(
            "    ({n:?}, include_str!({:?})),\n",
            p.display().to_string()
        ));
    }
    out.push(']');
    let dest = PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR")).join("standins.rs");
    std::fs::write(dest, out).expect("write standins.rs");
}
