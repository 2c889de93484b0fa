//! Finding the PostgreSQL server binaries already installed on the machine.

use super::LocalError;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The oldest major version the bootstrap SQL supports (`DROP DATABASE … WITH (FORCE)`,
/// `gen_random_uuid()` in core).
pub const MIN_MAJOR_VERSION: u32 = 13;

/// One PostgreSQL installation: the directory holding `initdb` and `postgres`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binaries {
    pub bin_dir: PathBuf,
    pub initdb: PathBuf,
    pub postgres: PathBuf,
    pub major_version: u32,
    /// As `postgres --version` prints it, e.g. `15.18`.
    pub version: String,
}

/// Where to look. [`SearchPaths::system`] is what [`find_binaries`] uses; tests inject
/// their own.
#[derive(Debug, Clone, Default)]
pub struct SearchPaths {
    /// An explicit bin directory (`SUPAFORM_PG_BIN_DIR`); when set, nothing else is searched.
    pub explicit: Option<PathBuf>,
    /// A `PATH`-style list of directories.
    pub path: Option<OsString>,
    /// Ask `pg_config --bindir` (found on `path`).
    pub pg_config: bool,
    /// Glob-like patterns where one `*` component stands for any directory name, e.g.
    /// `/usr/lib/postgresql/*/bin`.
    pub patterns: Vec<PathBuf>,
}

impl SearchPaths {
    pub fn system() -> Self {
        SearchPaths {
            explicit: std::env::var_os("SUPAFORM_PG_BIN_DIR")
                .filter(|v| !v.is_empty())
                .map(PathBuf::from),
            path: std::env::var_os("PATH"),
            pg_config: true,
            patterns: [
                "/usr/lib/postgresql/*/bin",
                "/usr/pgsql-*/bin",
                "/opt/homebrew/opt/postgresql@*/bin",
                "/usr/local/opt/postgresql@*/bin",
                "/opt/homebrew/opt/postgresql/bin",
                "/usr/local/opt/postgresql/bin",
                "/Applications/Postgres.app/Contents/Versions/*/bin",
            ]
            .iter()
            .map(PathBuf::from)
            .collect(),
        }
    }

    fn describe(&self) -> String {
        if let Some(e) = &self.explicit {
            return format!(": searched SUPAFORM_PG_BIN_DIR={}", e.display());
        }
        let mut parts = vec![];
        if self.path.is_some() {
            parts.push("PATH".to_string());
        }
        if self.pg_config {
            parts.push("`pg_config --bindir`".to_string());
        }
        parts.extend(self.patterns.iter().map(|p| p.display().to_string()));
        if parts.is_empty() {
            String::new()
        } else {
            format!(": searched {}", parts.join(", "))
        }
    }
}

/// The newest usable installation on this machine: PATH, `pg_config --bindir`,
/// `/usr/lib/postgresql/*/bin` and the usual Homebrew/Postgres.app places.
pub fn find_binaries() -> Result<Binaries, LocalError> {
    find_binaries_in(&SearchPaths::system())
}

/// [`find_binaries`] over the given places: every installation found, newest major first
/// (PATH order breaks ties); the first one is returned.
pub fn find_binaries_in(search: &SearchPaths) -> Result<Binaries, LocalError> {
    let all = candidates(search);
    let mut too_old = None;
    for b in all {
        if b.major_version >= MIN_MAJOR_VERSION {
            return Ok(b);
        }
        too_old.get_or_insert(b);
    }
    match too_old {
        Some(b) => Err(LocalError::UnsupportedVersion {
            found: b.version,
            min: MIN_MAJOR_VERSION,
            bin_dir: b.bin_dir,
        }),
        None => Err(LocalError::NoBinaries {
            searched: search.describe(),
        }),
    }
}

/// Every installation found, newest major first, duplicates (symlinks) removed.
pub fn candidates(search: &SearchPaths) -> Vec<Binaries> {
    let mut dirs: Vec<PathBuf> = vec![];
    if let Some(e) = &search.explicit {
        dirs.push(e.clone());
    } else {
        if let Some(p) = &search.path {
            dirs.extend(std::env::split_paths(p));
        }
        if search.pg_config {
            if let Some(d) = pg_config_bindir(search.path.as_ref()) {
                dirs.push(d);
            }
        }
        for pat in &search.patterns {
            dirs.extend(expand(pat));
        }
    }
    let mut found: Vec<Binaries> = vec![];
    for dir in dirs {
        let Some(b) = probe(&dir) else { continue };
        if found.iter().any(|f| f.postgres == b.postgres) {
            continue;
        }
        found.push(b);
    }
    // Stable sort: for equal majors the search order (PATH first) wins.
    found.sort_by_key(|b| std::cmp::Reverse(b.major_version));
    found
}

/// `dir` if it holds both `initdb` and `postgres`, with the version `postgres` reports.
fn probe(dir: &Path) -> Option<Binaries> {
    let postgres = executable(&dir.join("postgres"))?;
    let initdb = executable(&dir.join("initdb"))?;
    let postgres = postgres.canonicalize().unwrap_or(postgres);
    let initdb = initdb.canonicalize().unwrap_or(initdb);
    let out = Command::new(&postgres).arg("--version").output().ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let (version, major) = parse_version(&text)?;
    Some(Binaries {
        bin_dir: postgres.parent().map(Path::to_path_buf).unwrap_or_default(),
        initdb,
        postgres,
        major_version: major,
        version,
    })
}

fn executable(p: &Path) -> Option<PathBuf> {
    use std::os::unix::fs::PermissionsExt;
    let md = std::fs::metadata(p).ok()?;
    (md.is_file() && md.permissions().mode() & 0o111 != 0).then(|| p.to_path_buf())
}

/// `postgres (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)` → (`15.18`, 15);
/// `9.6.24` → (`9.6.24`, 9); `17beta1` → (`17beta1`, 17).
pub fn parse_version(text: &str) -> Option<(String, u32)> {
    let rest = text.split(')').nth(1).unwrap_or(text);
    let token = rest.split_whitespace().next()?;
    let digits: String = token.chars().take_while(|c| c.is_ascii_digit()).collect();
    // 9.x had two-number majors; any such server is too old, so `9` is enough.
    let major: u32 = digits.parse().ok()?;
    Some((token.to_string(), major))
}

fn pg_config_bindir(path: Option<&OsString>) -> Option<PathBuf> {
    let path = path?;
    let pg_config = std::env::split_paths(path)
        .map(|d| d.join("pg_config"))
        .find(|p| executable(p).is_some())?;
    let out = Command::new(pg_config).arg("--bindir").output().ok()?;
    if !out.status.success() {
        return None;
    }
    let s = String::from_utf8_lossy(&out.stdout).trim().to_string();
    (!s.is_empty()).then(|| PathBuf::from(s))
}

/// Expand one `*` path component (at most one level per `*`), sorted by name.
fn expand(pattern: &Path) -> Vec<PathBuf> {
    let mut acc = vec![PathBuf::new()];
    for comp in pattern.components() {
        let part = comp.as_os_str().to_string_lossy();
        let mut next = vec![];
        for base in &acc {
            if let Some(star) = part.find('*') {
                let (prefix, suffix) = (&part[..star], &part[star + 1..]);
                let Ok(rd) = std::fs::read_dir(if base.as_os_str().is_empty() {
                    Path::new(".")
                } else {
                    base.as_path()
                }) else {
                    continue;
                };
                let mut names: Vec<String> = rd
                    .filter_map(|e| e.ok())
                    .filter_map(|e| e.file_name().into_string().ok())
                    .filter(|n| {
                        n.len() >= prefix.len() + suffix.len()
                            && n.starts_with(prefix)
                            && n.ends_with(suffix)
                    })
                    .collect();
                names.sort();
                next.extend(names.into_iter().map(|n| base.join(n)));
            } else {
                next.push(base.join(comp.as_os_str()));
            }
        }
        acc = next;
    }
    acc.into_iter().filter(|p| p.is_dir()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_parse() {
        assert_eq!(
            parse_version("postgres (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)\n"),
            Some(("15.18".into(), 15))
        );
        assert_eq!(
            parse_version("postgres (PostgreSQL) 17beta1"),
            Some(("17beta1".into(), 17))
        );
        assert_eq!(
            parse_version("postgres (PostgreSQL) 9.6.24"),
            Some(("9.6.24".into(), 9))
        );
        assert_eq!(parse_version("garbage"), None);
    }

    #[test]
    fn empty_search_reports_no_binaries() {
        let err = find_binaries_in(&SearchPaths::default()).unwrap_err();
        assert!(matches!(err, LocalError::NoBinaries { .. }), "{err:?}");
    }
}
