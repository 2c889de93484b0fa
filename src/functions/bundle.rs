//! Which files of an Edge Function are deployed, under which relative paths, and their hash.
//!
//! The deployed files are every file under the function's `source` directory (recursively;
//! names starting with `.` such as `.env` or `.DS_Store` are never deployed, nor are
//! symlinked directories followed), the `import_map` and every file matched by a
//! `static_files` pattern. `entrypoint`, `import_map` and `static_files` are relative to the
//! source directory, like the loader checks them; they may reach outside it with `..`
//! (a shared import map one level up is common). Paths sent are relative to the deepest
//! directory holding all the files: the source directory itself unless something lies
//! outside it. They always use `/`.

use super::FunctionsError;
use crate::model::EdgeFunction;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

/// The `metadata` part of a deploy, as sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeployMetadata {
    pub entrypoint_path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub import_map_path: Option<String>,
    pub static_patterns: Vec<String>,
    pub verify_jwt: bool,
    pub name: String,
}

pub(crate) struct Bundle {
    pub files: Vec<(String, Vec<u8>)>,
    pub metadata: DeployMetadata,
}

/// `blake3:<hex>` over the sorted relative paths and contents of every deployed file
/// (each path and content length-prefixed, so no two bundles hash alike by concatenation).
pub fn source_hash(config_dir: &Path, f: &EdgeFunction) -> Result<String, FunctionsError> {
    Ok(hash_files(&bundle(config_dir, f)?.files))
}

pub(crate) fn hash_files(files: &[(String, Vec<u8>)]) -> String {
    let mut h = blake3::Hasher::new();
    for (path, content) in files {
        h.update(&(path.len() as u64).to_le_bytes());
        h.update(path.as_bytes());
        h.update(&(content.len() as u64).to_le_bytes());
        h.update(content);
    }
    format!("blake3:{}", h.finalize().to_hex())
}

/// The deployed files, sorted by relative path.
pub fn bundle_files(
    config_dir: &Path,
    f: &EdgeFunction,
) -> Result<Vec<(String, Vec<u8>)>, FunctionsError> {
    Ok(bundle(config_dir, f)?.files)
}

/// The `metadata` part a deploy of `f` sends.
pub fn deploy_metadata(
    config_dir: &Path,
    f: &EdgeFunction,
) -> Result<DeployMetadata, FunctionsError> {
    Ok(bundle(config_dir, f)?.metadata)
}

fn read_err(path: &Path) -> impl FnOnce(std::io::Error) -> FunctionsError + '_ {
    move |source| FunctionsError::ReadSource {
        path: path.display().to_string(),
        source,
    }
}

/// `a/./b/../c` → `a/c`, without touching the file system.
fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

fn rel_slash(base: &Path, p: &Path) -> String {
    p.strip_prefix(base)
        .unwrap_or(p)
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

pub(crate) fn bundle(config_dir: &Path, f: &EdgeFunction) -> Result<Bundle, FunctionsError> {
    let root = config_dir.canonicalize().map_err(read_err(config_dir))?;
    let shown_src = config_dir.join(&f.source);
    let src = normalize(&root.join(&f.source));
    let meta = std::fs::metadata(&src).map_err(read_err(&shown_src))?;
    if !meta.is_dir() {
        return Err(FunctionsError::ReadSource {
            path: shown_src.display().to_string(),
            source: std::io::Error::new(std::io::ErrorKind::NotADirectory, "not a directory"),
        });
    }
    // absolute path → contents
    let mut files: BTreeMap<PathBuf, Vec<u8>> = BTreeMap::new();
    walk(&src, &mut |p| !is_hidden(p), &mut |p| {
        let content = std::fs::read(p).map_err(read_err(p))?;
        files.insert(p.to_path_buf(), content);
        Ok(())
    })?;

    let entry = normalize(&src.join(&f.entrypoint));
    if !files.contains_key(&entry) {
        let content = std::fs::read(&entry).map_err(read_err(&entry))?;
        files.insert(entry.clone(), content);
    }
    let import_map = match &f.import_map {
        Some(m) => {
            let p = normalize(&src.join(m));
            if !files.contains_key(&p) {
                let content = std::fs::read(&p).map_err(read_err(&p))?;
                files.insert(p.clone(), content);
            }
            Some(p)
        }
        None => None,
    };
    // Static patterns, as absolute component patterns.
    let mut static_abs: Vec<PathBuf> = Vec::new();
    for pattern in &f.static_files {
        let abs = normalize(&src.join(pattern));
        let literal: PathBuf = abs
            .components()
            .take_while(|c| !has_glob(&c.as_os_str().to_string_lossy()))
            .collect();
        let pat: Vec<String> = abs
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        if literal.is_file() {
            let content = std::fs::read(&literal).map_err(read_err(&literal))?;
            files.insert(literal.clone(), content);
        } else if literal.is_dir() {
            let mut found = Vec::new();
            walk(&literal, &mut |_| true, &mut |p| {
                let comps: Vec<String> = p
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                if glob_match(&pat, &comps) {
                    found.push(p.to_path_buf());
                }
                Ok(())
            })?;
            for p in found {
                if let std::collections::btree_map::Entry::Vacant(slot) = files.entry(p) {
                    let content = std::fs::read(slot.key()).map_err(read_err(slot.key()))?;
                    slot.insert(content);
                }
            }
        }
        static_abs.push(abs);
    }

    // The deepest directory holding every file (the source directory unless something lies
    // outside it).
    let mut base = src.clone();
    for p in files.keys() {
        while !p.starts_with(&base) {
            if !base.pop() {
                break;
            }
        }
    }
    let out: Vec<(String, Vec<u8>)> = files
        .into_iter()
        .map(|(p, c)| (rel_slash(&base, &p), c))
        .collect();
    if out.is_empty() {
        return Err(FunctionsError::EmptySource {
            slug: f.slug.clone(),
            source_dir: f.source.clone(),
        });
    }
    let metadata = DeployMetadata {
        entrypoint_path: rel_slash(&base, &entry),
        import_map_path: import_map.map(|p| rel_slash(&base, &p)),
        static_patterns: static_abs.iter().map(|p| rel_slash(&base, p)).collect(),
        verify_jwt: f.verify_jwt,
        name: f.name.clone(),
    };
    Ok(Bundle {
        files: out,
        metadata,
    })
}

fn is_hidden(p: &Path) -> bool {
    p.file_name()
        .is_some_and(|n| n.to_string_lossy().starts_with('.'))
}

fn has_glob(s: &str) -> bool {
    s.contains(['*', '?', '['])
}

/// Calls `file` for every regular file (or symlink to one) under `dir`, in name order.
/// Symlinked directories are not followed (no cycles); `keep` filters entries by path.
fn walk(
    dir: &Path,
    keep: &mut dyn FnMut(&Path) -> bool,
    file: &mut dyn FnMut(&Path) -> Result<(), FunctionsError>,
) -> Result<(), FunctionsError> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(read_err(dir))?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()
        .map_err(read_err(dir))?;
    entries.sort();
    for p in entries {
        if !keep(&p) {
            continue;
        }
        let lmeta = std::fs::symlink_metadata(&p).map_err(read_err(&p))?;
        if lmeta.is_dir() {
            walk(&p, keep, file)?;
        } else if lmeta.is_file() {
            file(&p)?;
        } else if lmeta.file_type().is_symlink() {
            let meta = std::fs::metadata(&p).map_err(read_err(&p))?;
            if meta.is_file() {
                file(&p)?;
            }
        }
    }
    Ok(())
}

/// Glob over path components: `**` matches any number of components, `*` any characters
/// within one, `?` one character.
pub(crate) fn glob_match(pattern: &[String], path: &[String]) -> bool {
    match pattern.split_first() {
        None => path.is_empty(),
        Some((p, rest)) if p == "**" => (0..=path.len()).any(|i| glob_match(rest, &path[i..])),
        Some((p, rest)) => match path.split_first() {
            Some((c, path_rest)) => {
                component_match(p.as_bytes(), c.as_bytes()) && glob_match(rest, path_rest)
            }
            None => false,
        },
    }
}

fn component_match(p: &[u8], s: &[u8]) -> bool {
    match p.split_first() {
        None => s.is_empty(),
        Some((b'*', rest)) => (0..=s.len()).any(|i| component_match(rest, &s[i..])),
        Some((b'?', rest)) => !s.is_empty() && component_match(rest, &s[1..]),
        Some((c, rest)) => s.first() == Some(c) && component_match(rest, &s[1..]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn comps(s: &str) -> Vec<String> {
        s.split('/').map(String::from).collect()
    }

    #[test]
    fn globs() {
        assert!(glob_match(&comps("a/*.html"), &comps("a/x.html")));
        assert!(!glob_match(&comps("a/*.html"), &comps("a/b/x.html")));
        assert!(glob_match(&comps("a/**/*.png"), &comps("a/b/c/x.png")));
        assert!(glob_match(&comps("a/**/*.png"), &comps("a/x.png")));
        assert!(glob_match(&comps("a/?.txt"), &comps("a/1.txt")));
    }

    fn func(source: &str) -> EdgeFunction {
        EdgeFunction {
            slug: "hello".into(),
            name: "hello".into(),
            source: source.into(),
            entrypoint: "index.ts".into(),
            verify_jwt: true,
            import_map: None,
            static_files: vec![],
            secrets: vec![],
        }
    }

    #[test]
    fn files_hidden_entries_import_map_outside_and_static_patterns() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("functions/hello/lib")).unwrap();
        std::fs::create_dir_all(root.join("functions/hello/assets/img")).unwrap();
        std::fs::create_dir_all(root.join("shared")).unwrap();
        std::fs::write(root.join("functions/hello/index.ts"), "main").unwrap();
        std::fs::write(root.join("functions/hello/lib/util.ts"), "util").unwrap();
        std::fs::write(root.join("functions/hello/.env"), "SECRET=1").unwrap();
        std::fs::write(root.join("functions/hello/assets/img/a.png"), "png").unwrap();
        std::fs::write(root.join("shared/import_map.json"), "{}").unwrap();
        std::fs::write(root.join("shared/page.html"), "<p>").unwrap();
        std::fs::write(root.join("shared/other.txt"), "no").unwrap();

        let f = func("functions/hello");
        let b = bundle(root, &f).unwrap();
        let names: Vec<&str> = b.files.iter().map(|x| x.0.as_str()).collect();
        assert_eq!(names, ["assets/img/a.png", "index.ts", "lib/util.ts"]);
        assert_eq!(b.metadata.entrypoint_path, "index.ts");

        let mut f2 = f.clone();
        f2.import_map = Some("../../shared/import_map.json".into());
        f2.static_files = vec!["../../shared/*.html".into()];
        let b = bundle(root, &f2).unwrap();
        let names: Vec<&str> = b.files.iter().map(|x| x.0.as_str()).collect();
        assert_eq!(
            names,
            [
                "functions/hello/assets/img/a.png",
                "functions/hello/index.ts",
                "functions/hello/lib/util.ts",
                "shared/import_map.json",
                "shared/page.html"
            ]
        );
        assert_eq!(b.metadata.entrypoint_path, "functions/hello/index.ts");
        assert_eq!(
            b.metadata.import_map_path.as_deref(),
            Some("shared/import_map.json")
        );
        assert_eq!(b.metadata.static_patterns, ["shared/*.html"]);

        // The hash follows contents and paths.
        let h1 = source_hash(root, &f).unwrap();
        std::fs::write(root.join("functions/hello/lib/util.ts"), "util2").unwrap();
        let h2 = source_hash(root, &f).unwrap();
        assert_ne!(h1, h2);
        assert!(h1.starts_with("blake3:"));
        // Hidden files do not count.
        std::fs::write(root.join("functions/hello/.env"), "SECRET=2").unwrap();
        assert_eq!(h2, source_hash(root, &f).unwrap());
    }

    #[test]
    fn missing_source_names_the_path() {
        let dir = tempfile::tempdir().unwrap();
        let e = bundle(dir.path(), &func("functions/nope")).err().unwrap();
        assert!(e.to_string().contains("functions/nope"), "{e}");
    }
}
