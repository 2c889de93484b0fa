//! A private view of the machine's PostgreSQL installation whose extension directory also
//! holds supaform's stand-ins of Supabase's extensions (`standins/`: `pg_graphql`,
//! `supabase_vault`, `vector`, `pg_net`, …: their schemas, types, functions and tables,
//! without behaviour), so that `create extension vector` works on the embedded server as
//! on a Supabase project. Nothing under `/usr` is touched.
//!
//! PostgreSQL finds its share and library directories relative to the executable it runs
//! from (after resolving symbolic links), so the tree mirrors the installation's absolute
//! paths under a root of its own:
//!
//! | path under the root | what |
//! |---|---|
//! | `<bindir>/postgres` | a copy of the server binary (a link would resolve to `/usr`) |
//! | `<sharedir>/*` | links to every entry of the system share directory, except… |
//! | `<sharedir>/extension/` | …a real folder: links to every system extension file, plus the stand-ins of extensions the system lacks (a real extension always wins) |
//! | `<pkglibdir>` | a link to the system library directory (`plpgsql.so`, contrib) |
//!
//! The tree is keyed by the server binary (version, size, modification time) and the
//! stand-ins' text, built under a temporary name and renamed when complete; a package
//! upgrade of PostgreSQL gets a new tree on the next start.

use super::binaries::Binaries;
use super::LocalError;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The stand-in extension files, by file name (`<ext>.control`, `<ext>--<version>.sql`).
pub const STANDINS: &[(&str, &str)] = &include!(concat!(env!("OUT_DIR"), "/standins.rs"));

/// The comment every stand-in's control file carries, which tells it from the real one.
pub const STANDIN_MARK: &str = "supaform stand-in";

/// The installation's directories, as `pg_config` reports them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    pub bindir: PathBuf,
    pub sharedir: PathBuf,
    pub pkglibdir: PathBuf,
}

/// Ask the installation's own `pg_config` (beside `postgres`); `None` when it has none.
pub fn layout(bins: &Binaries) -> Option<Layout> {
    let out = Command::new(bins.bin_dir.join("pg_config"))
        .args(["--bindir", "--sharedir", "--pkglibdir"])
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let mut lines = text.lines().map(|l| PathBuf::from(l.trim()));
    let l = Layout {
        bindir: lines.next()?,
        sharedir: lines.next()?,
        pkglibdir: lines.next()?,
    };
    (l.sharedir.join("extension").is_dir() && l.bindir.is_absolute()).then_some(l)
}

/// The extensions a stand-in exists for.
pub fn standin_names() -> Vec<&'static str> {
    STANDINS
        .iter()
        .filter_map(|(f, _)| f.strip_suffix(".control"))
        .collect()
}

/// `bins` with `postgres` run from a private tree under `cache/install/` that offers the
/// stand-ins; `bins` unchanged (and a note why) when the installation's layout cannot be
/// read or the tree cannot be built, so the server still starts, without them.
pub fn prepare(cache: &Path, bins: &Binaries) -> (Binaries, Option<String>) {
    let Some(layout) = layout(bins) else {
        return (
            bins.clone(),
            Some(format!(
                "no pg_config beside {}: Supabase's extensions (pg_graphql, vector, …) are not offered",
                bins.postgres.display()
            )),
        );
    };
    match build(cache, bins, &layout) {
        Ok(root) => {
            let mut b = bins.clone();
            b.postgres = under(&root, &layout.bindir).join("postgres");
            (b, None)
        }
        Err(e) => (
            bins.clone(),
            Some(format!(
                "Supabase's extensions are not offered: {}",
                miette::Report::new(e)
            )),
        ),
    }
}

/// `root` + the absolute `path`.
fn under(root: &Path, path: &Path) -> PathBuf {
    root.join(path.strip_prefix("/").unwrap_or(path))
}

fn key(bins: &Binaries, layout: &Layout) -> String {
    let mut h = blake3::Hasher::new();
    h.update(bins.version.as_bytes());
    h.update(layout.sharedir.as_os_str().as_encoded_bytes());
    h.update(layout.pkglibdir.as_os_str().as_encoded_bytes());
    if let Ok(md) = std::fs::metadata(&bins.postgres) {
        h.update(&md.len().to_le_bytes());
        if let Ok(t) = md.modified() {
            h.update(format!("{t:?}").as_bytes());
        }
    }
    // The system's extension files: one installed since (apt install postgis) gets a
    // new tree that links it.
    let mut system: Vec<_> = std::fs::read_dir(layout.sharedir.join("extension"))
        .map(|d| d.flatten().map(|e| e.file_name()).collect())
        .unwrap_or_default();
    system.sort();
    for name in &system {
        h.update(name.as_encoded_bytes());
    }
    for (name, text) in STANDINS {
        h.update(name.as_bytes());
        h.update(text.as_bytes());
    }
    let hex = h.finalize().to_hex();
    format!("pg{}-{}", bins.major_version, &hex[..16])
}

/// The tree for `bins` (built unless a complete one exists); its root.
fn build(cache: &Path, bins: &Binaries, layout: &Layout) -> Result<PathBuf, LocalError> {
    let base = cache.join("install");
    let root = base.join(key(bins, layout));
    if root.join(".complete").is_file() {
        return Ok(root);
    }
    let io = |what: String| move |e| LocalError::io(what, e);
    std::fs::create_dir_all(&base).map_err(io(format!("could not create {}", base.display())))?;
    let tmp = base.join(format!(".tmp-{}", std::process::id()));
    if tmp.exists() {
        std::fs::remove_dir_all(&tmp).map_err(io(format!("could not remove {}", tmp.display())))?;
    }
    let result = fill(&tmp, bins, layout);
    if let Err(e) = result {
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(e);
    }
    std::fs::write(tmp.join(".complete"), "")
        .map_err(io(format!("could not write {}", tmp.display())))?;
    match std::fs::rename(&tmp, &root) {
        Ok(()) => {}
        // Another process finished the same tree first: use it.
        Err(_) if root.join(".complete").is_file() => {
            let _ = std::fs::remove_dir_all(&tmp);
        }
        Err(e) => {
            return Err(LocalError::io(
                format!("could not create {}", root.display()),
                e,
            ))
        }
    }
    // Trees of older binaries or stand-ins (a running server may still use one: only
    // trees other than this one that no server's binary is running from would be safe to
    // remove, so they are left; each is a copy of one binary and links).
    Ok(root)
}

fn fill(tmp: &Path, bins: &Binaries, layout: &Layout) -> Result<(), LocalError> {
    let io = |what: String| move |e| LocalError::io(what, e);
    let bindir = under(tmp, &layout.bindir);
    std::fs::create_dir_all(&bindir)
        .map_err(io(format!("could not create {}", bindir.display())))?;
    let postgres = bindir.join("postgres");
    std::fs::copy(&bins.postgres, &postgres).map_err(io(format!(
        "could not copy {} to {}",
        bins.postgres.display(),
        postgres.display()
    )))?;

    let pkglib = under(tmp, &layout.pkglibdir);
    if let Some(parent) = pkglib.parent() {
        std::fs::create_dir_all(parent)
            .map_err(io(format!("could not create {}", parent.display())))?;
    }
    symlink(&layout.pkglibdir, &pkglib)?;

    let share = under(tmp, &layout.sharedir);
    std::fs::create_dir_all(&share).map_err(io(format!("could not create {}", share.display())))?;
    let entries = std::fs::read_dir(&layout.sharedir)
        .map_err(io(format!("could not read {}", layout.sharedir.display())))?;
    for e in entries.flatten() {
        if e.file_name() != "extension" {
            symlink(&e.path(), &share.join(e.file_name()))?;
        }
    }
    let ext = share.join("extension");
    std::fs::create_dir_all(&ext).map_err(io(format!("could not create {}", ext.display())))?;
    let system_ext = layout.sharedir.join("extension");
    let entries = std::fs::read_dir(&system_ext)
        .map_err(io(format!("could not read {}", system_ext.display())))?;
    let mut real: Vec<String> = vec![];
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if let Some(x) = name.strip_suffix(".control") {
            real.push(x.to_string());
        }
        symlink(&e.path(), &ext.join(&name))?;
    }
    for (name, text) in STANDINS {
        let ext_name = name
            .split_once("--")
            .map(|(n, _)| n)
            .or_else(|| name.strip_suffix(".control"))
            .unwrap_or(name);
        if real.iter().any(|r| r == ext_name) {
            continue;
        }
        let path = ext.join(name);
        std::fs::write(&path, text).map_err(io(format!("could not write {}", path.display())))?;
    }
    Ok(())
}

fn symlink(target: &Path, link: &Path) -> Result<(), LocalError> {
    std::os::unix::fs::symlink(target, link).map_err(|e| {
        LocalError::io(
            format!("could not link {} to {}", link.display(), target.display()),
            e,
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_mirror_the_installation_under_the_root() {
        assert_eq!(
            under(
                Path::new("/c/install/k"),
                Path::new("/usr/lib/postgresql/15/bin")
            ),
            PathBuf::from("/c/install/k/usr/lib/postgresql/15/bin")
        );
    }

    #[test]
    fn every_standin_has_a_control_file_marked_as_a_standin_and_a_script() {
        let names = standin_names();
        assert!(names.contains(&"vector"), "{names:?}");
        for n in names {
            let control = STANDINS
                .iter()
                .find(|(f, _)| *f == format!("{n}.control"))
                .unwrap()
                .1;
            assert!(control.contains(STANDIN_MARK), "{n}.control");
            let version = control
                .lines()
                .find_map(|l| l.trim().strip_prefix("default_version"))
                .and_then(|v| v.split('\'').nth(1))
                .unwrap_or_else(|| panic!("{n}.control has no default_version"));
            assert!(
                STANDINS
                    .iter()
                    .any(|(f, _)| *f == format!("{n}--{version}.sql")),
                "{n}: no script for {version}"
            );
        }
    }
}
