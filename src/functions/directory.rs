//! The `directory` target: self-hosted Supabase.
//!
//! Self-hosted Supabase (the `docker/` setup of the supabase repository) runs the edge
//! runtime with its functions volume (`./volumes/functions`) mounted at
//! `/home/deno/functions`; its `main` service routes `/functions/v1/<slug>` to
//! `<volume>/<slug>/index.ts`. This target writes there:
//!
//! - `<root>/<slug>/…`: the function's files (the same paths an API deploy sends) and
//!   `<root>/<slug>/.supaform.json`, the metadata the API would keep (version, entrypoint,
//!   import map, `verify_jwt`, static patterns). A deploy writes a complete copy to
//!   `<root>/.<slug>.tmp-<pid>/`, fsyncs every file and directory, then swaps it with the
//!   live directory in one step (`renameat2(RENAME_EXCHANGE)` on Linux; elsewhere two
//!   renames) and removes the old copy. An interrupted deploy leaves the previous version
//!   whole; the next deploy removes its leftovers.
//! - `<root>/.env`: the secrets, one `NAME='value'` line each (mode 0600). The runtime does
//!   not read it by itself: add `env_file: ./volumes/functions/.env` to the `functions`
//!   service of the compose file (the `main` service passes its environment on to each
//!   function), and recreate the container after secrets change. Lines supaform did not
//!   write are kept.
//!
//! `verify_jwt` is recorded but self-hosted enforces one global `VERIFY_JWT` setting.

use super::bundle::{bundle, hash_files};
use super::{FunctionsError, RemoteFunction, RemoteSecret};
use crate::model::{EdgeFunction, Sensitive};
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

const META: &str = ".supaform.json";
const ENV_FILE: &str = ".env";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectoryTarget {
    pub root: PathBuf,
}

#[derive(Debug, Serialize, Deserialize)]
struct Meta {
    slug: String,
    name: String,
    version: u64,
    entrypoint_path: String,
    import_map_path: Option<String>,
    static_patterns: Vec<String>,
    verify_jwt: bool,
    updated_at: i64,
}

fn write_err(path: &Path) -> impl FnOnce(std::io::Error) -> FunctionsError + '_ {
    move |source| FunctionsError::DirectoryWrite {
        path: path.display().to_string(),
        source,
    }
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

fn sync_dir(dir: &Path) -> Result<(), FunctionsError> {
    std::fs::File::open(dir)
        .and_then(|f| f.sync_all())
        .map_err(write_err(dir))
}

fn process_alive(pid: u32) -> bool {
    #[cfg(unix)]
    {
        let Ok(pid) = libc::pid_t::try_from(pid) else {
            return false;
        };
        // SAFETY: signal 0 only checks that the process exists.
        let r = unsafe { libc::kill(pid, 0) };
        r == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
    }
    #[cfg(not(unix))]
    {
        let _ = pid;
        true
    }
}

/// Swaps two existing paths atomically where the OS can.
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        use std::ffi::CString;
        use std::os::unix::ffi::OsStrExt;
        let ca = CString::new(a.as_os_str().as_bytes())?;
        let cb = CString::new(b.as_os_str().as_bytes())?;
        // SAFETY: both are valid NUL-terminated paths; AT_FDCWD resolves them as given.
        let r = unsafe {
            libc::renameat2(
                libc::AT_FDCWD,
                ca.as_ptr(),
                libc::AT_FDCWD,
                cb.as_ptr(),
                libc::RENAME_EXCHANGE,
            )
        };
        if r == 0 {
            return Ok(());
        }
        let e = std::io::Error::last_os_error();
        // Old kernels or file systems without RENAME_EXCHANGE fall through.
        if !matches!(e.raw_os_error(), Some(libc::EINVAL) | Some(libc::ENOSYS)) {
            return Err(e);
        }
    }
    let aside = a.with_extension("swap");
    std::fs::rename(b, &aside)?;
    std::fs::rename(a, b)?;
    std::fs::rename(&aside, a)
}

impl DirectoryTarget {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        DirectoryTarget { root: root.into() }
    }

    fn read_meta(&self, slug: &str) -> Option<Meta> {
        let text = std::fs::read(self.root.join(slug).join(META)).ok()?;
        serde_json::from_slice(&text).ok()
    }

    fn remote(&self, slug: &str) -> Result<Option<RemoteFunction>, FunctionsError> {
        let dir = self.root.join(slug);
        if !dir.is_dir() {
            return Ok(None);
        }
        let files = read_tree(&dir)?;
        let hash = hash_files(&files);
        Ok(Some(match self.read_meta(slug) {
            Some(m) => RemoteFunction {
                slug: slug.to_string(),
                name: m.name,
                version: m.version,
                status: "ACTIVE".into(),
                entrypoint_path: Some(m.entrypoint_path),
                import_map_path: m.import_map_path,
                verify_jwt: Some(m.verify_jwt),
                ezbr_sha256: Some(hash),
                updated_at: Some(m.updated_at),
            },
            // Put there by hand or by another tool: version 0, nothing known but the files.
            None => RemoteFunction {
                slug: slug.to_string(),
                name: slug.to_string(),
                version: 0,
                status: "ACTIVE".into(),
                entrypoint_path: dir.join("index.ts").is_file().then(|| "index.ts".into()),
                import_map_path: None,
                verify_jwt: None,
                ezbr_sha256: Some(hash),
                updated_at: None,
            },
        }))
    }

    /// Every function directory, except `main` (the runtime's router, not a function).
    pub fn list_functions(&self) -> Result<Vec<RemoteFunction>, FunctionsError> {
        let entries = match std::fs::read_dir(&self.root) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => {
                return Err(FunctionsError::DirectoryRead {
                    path: self.root.display().to_string(),
                    reason: e.to_string(),
                })
            }
        };
        let mut slugs: Vec<String> = entries
            .filter_map(|e| e.ok())
            .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| !n.starts_with('.') && n != "main")
            .collect();
        slugs.sort();
        let mut out = Vec::new();
        for s in slugs {
            if let Some(f) = self.remote(&s)? {
                out.push(f);
            }
        }
        Ok(out)
    }

    pub fn get_function(&self, slug: &str) -> Result<Option<RemoteFunction>, FunctionsError> {
        super::check_slug(slug)?;
        self.remote(slug)
    }

    /// Removes what an interrupted deploy or delete of `slug` left behind.
    fn clean_leftovers(&self, slug: &str) {
        let Ok(entries) = std::fs::read_dir(&self.root) else {
            return;
        };
        let prefix = format!(".{slug}.");
        for e in entries.filter_map(|e| e.ok()) {
            let name = e.file_name().to_string_lossy().into_owned();
            let Some(rest) = name.strip_prefix(&prefix) else {
                continue;
            };
            let pid = rest
                .strip_prefix("tmp-")
                .or_else(|| rest.strip_prefix("deleted-"))
                .and_then(|p| p.split('.').next())
                .and_then(|p| p.parse::<u32>().ok());
            if let Some(pid) = pid {
                if pid == std::process::id() || !process_alive(pid) {
                    let _ = std::fs::remove_dir_all(e.path());
                }
            }
        }
    }

    pub fn deploy(
        &self,
        config_dir: &Path,
        f: &EdgeFunction,
    ) -> Result<RemoteFunction, FunctionsError> {
        super::check_slug(&f.slug)?;
        let b = bundle(config_dir, f)?;
        std::fs::create_dir_all(&self.root).map_err(write_err(&self.root))?;
        self.clean_leftovers(&f.slug);
        let live = self.root.join(&f.slug);
        let tmp = self
            .root
            .join(format!(".{}.tmp-{}", f.slug, std::process::id()));
        let version = self.read_meta(&f.slug).map(|m| m.version).unwrap_or(0) + 1;
        let meta = Meta {
            slug: f.slug.clone(),
            name: f.name.clone(),
            version,
            entrypoint_path: b.metadata.entrypoint_path.clone(),
            import_map_path: b.metadata.import_map_path.clone(),
            static_patterns: b.metadata.static_patterns.clone(),
            verify_jwt: f.verify_jwt,
            updated_at: now_ms(),
        };
        let written = write_tree(&tmp, &b.files, &meta);
        if let Err(e) = written {
            let _ = std::fs::remove_dir_all(&tmp);
            return Err(e);
        }
        let swapped = if live.exists() {
            exchange(&tmp, &live)
                .map_err(write_err(&live))
                .map(|()| true)
        } else {
            std::fs::rename(&tmp, &live)
                .map_err(write_err(&live))
                .map(|()| false)
        };
        match swapped {
            Ok(true) => {
                // `tmp` now holds the old version.
                let _ = std::fs::remove_dir_all(&tmp);
            }
            Ok(false) => {}
            Err(e) => {
                let _ = std::fs::remove_dir_all(&tmp);
                return Err(e);
            }
        }
        sync_dir(&self.root)?;
        Ok(RemoteFunction {
            slug: f.slug.clone(),
            name: f.name.clone(),
            version,
            status: "ACTIVE".into(),
            entrypoint_path: Some(meta.entrypoint_path),
            import_map_path: meta.import_map_path,
            verify_jwt: Some(f.verify_jwt),
            ezbr_sha256: Some(hash_files(&b.files)),
            updated_at: Some(meta.updated_at),
        })
    }

    pub fn delete_function(&self, slug: &str) -> Result<(), FunctionsError> {
        super::check_slug(slug)?;
        let live = self.root.join(slug);
        if !live.exists() {
            return Ok(());
        }
        let gone = self
            .root
            .join(format!(".{slug}.deleted-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&gone);
        std::fs::rename(&live, &gone).map_err(write_err(&live))?;
        sync_dir(&self.root)?;
        std::fs::remove_dir_all(&gone).map_err(write_err(&gone))
    }

    /// Files are live once written.
    pub fn wait_active(&self, slugs: &[String]) -> Result<Vec<(String, String)>, FunctionsError> {
        slugs
            .iter()
            .map(|s| {
                Ok((
                    s.clone(),
                    if self.root.join(s).is_dir() {
                        "ACTIVE".to_string()
                    } else {
                        "MISSING".to_string()
                    },
                ))
            })
            .collect()
    }

    fn env_path(&self) -> PathBuf {
        self.root.join(ENV_FILE)
    }

    fn read_env(&self) -> Result<Vec<EnvLine>, FunctionsError> {
        let p = self.env_path();
        match std::fs::read_to_string(&p) {
            Ok(t) => Ok(parse_env(&t)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
            Err(e) => Err(FunctionsError::DirectoryRead {
                path: p.display().to_string(),
                reason: e.to_string(),
            }),
        }
    }

    fn write_env(&self, lines: &[EnvLine]) -> Result<(), FunctionsError> {
        std::fs::create_dir_all(&self.root).map_err(write_err(&self.root))?;
        let mut text = String::new();
        for l in lines {
            match l {
                EnvLine::Other(s) => text.push_str(s),
                EnvLine::Var(n, v) => {
                    text.push_str(n);
                    text.push('=');
                    text.push_str(&quote_env(v.expose()));
                }
            }
            text.push('\n');
        }
        let tmp = self.root.join(format!(".env.tmp-{}", std::process::id()));
        let result = (|| {
            let mut opts = std::fs::OpenOptions::new();
            opts.write(true).create(true).truncate(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                opts.mode(0o600);
            }
            let mut file = opts.open(&tmp)?;
            file.write_all(text.as_bytes())?;
            file.sync_all()?;
            std::fs::rename(&tmp, self.env_path())
        })();
        if let Err(e) = result {
            let _ = std::fs::remove_file(&tmp);
            return Err(FunctionsError::DirectoryWrite {
                path: self.env_path().display().to_string(),
                source: e,
            });
        }
        sync_dir(&self.root)
    }

    pub fn list_secrets(&self) -> Result<Vec<RemoteSecret>, FunctionsError> {
        Ok(self
            .read_env()?
            .into_iter()
            .filter_map(|l| match l {
                EnvLine::Var(name, v) => Some(RemoteSecret {
                    name,
                    digest: super::secret_digest(v.expose()),
                }),
                EnvLine::Other(_) => None,
            })
            .collect())
    }

    pub fn set_secrets(
        &self,
        secrets: &[(&str, &Sensitive<String>)],
    ) -> Result<(), FunctionsError> {
        if secrets.is_empty() {
            return Ok(());
        }
        let mut lines = self.read_env()?;
        for (name, value) in secrets {
            let existing = lines
                .iter_mut()
                .find(|l| matches!(l, EnvLine::Var(n, _) if n == name));
            match existing {
                Some(l) => *l = EnvLine::Var(name.to_string(), (*value).clone()),
                None => lines.push(EnvLine::Var(name.to_string(), (*value).clone())),
            }
        }
        self.write_env(&lines)
    }

    pub fn delete_secrets(&self, names: &[&str]) -> Result<(), FunctionsError> {
        if names.is_empty() {
            return Ok(());
        }
        let mut lines = self.read_env()?;
        lines.retain(|l| !matches!(l, EnvLine::Var(n, _) if names.contains(&n.as_str())));
        self.write_env(&lines)
    }
}

/// Writes `files` and the metadata under a fresh `dir`, fsyncing every file and directory.
fn write_tree(dir: &Path, files: &[(String, Vec<u8>)], meta: &Meta) -> Result<(), FunctionsError> {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).map_err(write_err(dir))?;
    let mut dirs = std::collections::BTreeSet::new();
    dirs.insert(dir.to_path_buf());
    let meta_json = serde_json::to_vec_pretty(meta).map_err(|e| FunctionsError::Internal {
        reason: e.to_string(),
    })?;
    let all = files
        .iter()
        .map(|(p, c)| (p.as_str(), c.as_slice()))
        .chain(std::iter::once((META, meta_json.as_slice())));
    for (rel, content) in all {
        let path = rel
            .split('/')
            .filter(|c| !c.is_empty() && *c != "." && *c != "..")
            .fold(dir.to_path_buf(), |p, c| p.join(c));
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(write_err(parent))?;
            let mut p = parent.to_path_buf();
            while p.starts_with(dir) && dirs.insert(p.clone()) {
                if !p.pop() {
                    break;
                }
            }
        }
        let mut file = std::fs::File::create(&path).map_err(write_err(&path))?;
        file.write_all(content).map_err(write_err(&path))?;
        file.sync_all().map_err(write_err(&path))?;
    }
    for d in dirs.iter().rev() {
        sync_dir(d)?;
    }
    Ok(())
}

/// Every file under `dir` but the metadata, as `(relative path, contents)`, sorted.
fn read_tree(dir: &Path) -> Result<Vec<(String, Vec<u8>)>, FunctionsError> {
    fn go(base: &Path, dir: &Path, out: &mut Vec<(String, Vec<u8>)>) -> Result<(), FunctionsError> {
        let read = |p: &Path, e: std::io::Error| FunctionsError::DirectoryRead {
            path: p.display().to_string(),
            reason: e.to_string(),
        };
        for e in std::fs::read_dir(dir).map_err(|e| read(dir, e))? {
            let e = e.map_err(|e| read(dir, e))?;
            let p = e.path();
            let t = e.file_type().map_err(|e| read(&p, e))?;
            if t.is_dir() {
                go(base, &p, out)?;
            } else if t.is_file() {
                let rel = p
                    .strip_prefix(base)
                    .unwrap_or(&p)
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join("/");
                if rel != META {
                    out.push((rel, std::fs::read(&p).map_err(|e| read(&p, e))?));
                }
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    go(dir, dir, &mut out)?;
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}

enum EnvLine {
    Var(String, Sensitive<String>),
    Other(String),
}

/// Single quotes (literal for docker compose and dotenv) when possible; otherwise double
/// quotes with `\\`, `\"`, `\n` escapes.
fn quote_env(v: &str) -> String {
    if !v.contains(['\'', '\n', '\r']) {
        format!("'{v}'")
    } else {
        let mut s = String::from("\"");
        for c in v.chars() {
            match c {
                '\\' => s.push_str("\\\\"),
                '"' => s.push_str("\\\""),
                '\n' => s.push_str("\\n"),
                '\r' => s.push_str("\\r"),
                c => s.push(c),
            }
        }
        s.push('"');
        s
    }
}

fn parse_env(text: &str) -> Vec<EnvLine> {
    text.lines()
        .map(|line| {
            let t = line.trim_start();
            let t = t.strip_prefix("export ").unwrap_or(t);
            let Some((name, raw)) = t.split_once('=') else {
                return EnvLine::Other(line.to_string());
            };
            let name = name.trim();
            if t.starts_with('#')
                || name.is_empty()
                || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            {
                return EnvLine::Other(line.to_string());
            }
            let raw = raw.trim();
            let value = if let Some(inner) =
                raw.strip_prefix('\'').and_then(|r| r.strip_suffix('\''))
            {
                inner.to_string()
            } else if let Some(inner) = raw.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
                let mut s = String::new();
                let mut chars = inner.chars();
                while let Some(c) = chars.next() {
                    if c == '\\' {
                        match chars.next() {
                            Some('n') => s.push('\n'),
                            Some('r') => s.push('\r'),
                            Some(o) => s.push(o),
                            None => s.push('\\'),
                        }
                    } else {
                        s.push(c);
                    }
                }
                s
            } else {
                raw.to_string()
            };
            EnvLine::Var(name.to_string(), Sensitive::new(value))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_values_round_trip() {
        for v in [
            "plain",
            "with 'quote'",
            "multi\nline \"x\" \\ end",
            "",
            "$HOME ${X}",
        ] {
            let line = format!("K={}", quote_env(v));
            match &parse_env(&line)[..] {
                [EnvLine::Var(n, got)] => {
                    assert_eq!(n, "K");
                    assert_eq!(got.expose(), v);
                }
                _ => panic!("not parsed: {line}"),
            }
        }
    }
}
