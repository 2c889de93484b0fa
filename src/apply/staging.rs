//! Where a backup is written before it is complete: `<dir>.partial`, renamed to `<dir>`
//! once its manifest is written, so a directory under `backups/<env>/` without the suffix
//! is always a whole backup. A process killed while backing up leaves only a `.partial`
//! folder (holding `.owner`, the writer's process id); the next `apply` or `backup` of the
//! environment removes such leftovers, saying so, and `restore` refuses them.

use std::path::{Path, PathBuf};

/// The suffix of a backup still being written.
pub const PARTIAL_SUFFIX: &str = ".partial";
/// Inside a `.partial` folder: the process id of the run writing it.
const OWNER_FILE: &str = ".owner";

/// `<dir>.partial`.
pub fn partial_dir(dir: &Path) -> PathBuf {
    let mut name = dir.file_name().unwrap_or_default().to_os_string();
    name.push(PARTIAL_SUFFIX);
    dir.with_file_name(name)
}

/// Whether `dir` names a backup still being written (or left by an interrupted run).
pub fn is_partial(dir: &Path) -> bool {
    dir.file_name()
        .is_some_and(|n| n.to_string_lossy().ends_with(PARTIAL_SUFFIX))
}

/// A backup being written: files go into [`Staging::path`]; [`Staging::finish`] makes it
/// the final directory.
#[derive(Debug)]
pub struct Staging {
    partial: PathBuf,
    target: PathBuf,
}

impl Staging {
    /// Create `<dir>.partial` (a leftover of the same name is replaced) with its owner.
    pub fn begin(dir: &Path) -> std::io::Result<Staging> {
        let partial = partial_dir(dir);
        if partial.exists() {
            std::fs::remove_dir_all(&partial)?;
        }
        std::fs::create_dir_all(&partial)?;
        std::fs::write(partial.join(OWNER_FILE), std::process::id().to_string())?;
        Ok(Staging {
            partial,
            target: dir.to_path_buf(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.partial
    }

    /// Rename the complete backup to its final name (an existing empty folder of that
    /// name, e.g. one a user made for `--out`, is replaced).
    pub fn finish(self) -> std::io::Result<PathBuf> {
        std::fs::remove_file(self.partial.join(OWNER_FILE))?;
        if self.target.is_dir() {
            std::fs::remove_dir(&self.target)?;
        }
        std::fs::rename(&self.partial, &self.target)?;
        if let Some(parent) = self.target.parent() {
            if let Ok(d) = std::fs::File::open(parent) {
                let _ = d.sync_all();
            }
        }
        Ok(self.target)
    }
}

/// Backups under `base` (`backups/<env>`) that an interrupted run left incomplete: a
/// `.partial` folder whose writer is gone, or (left by versions before the `.partial`
/// folders) a timestamp-named folder without `manifest.json` holding only backup files.
pub fn leftovers(base: &Path) -> Vec<PathBuf> {
    let Ok(rd) = std::fs::read_dir(base) else {
        return vec![];
    };
    let mut out: Vec<PathBuf> = rd
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .filter(|p| {
            if is_partial(p) {
                !writer_alive(p)
            } else {
                legacy_incomplete(p)
            }
        })
        .collect();
    out.sort();
    out
}

/// Remove what [`leftovers`] finds; the folders removed.
pub fn remove_leftovers(base: &Path) -> Vec<PathBuf> {
    leftovers(base)
        .into_iter()
        .filter(|p| std::fs::remove_dir_all(p).is_ok())
        .collect()
}

fn writer_alive(partial: &Path) -> bool {
    let Ok(text) = std::fs::read_to_string(partial.join(OWNER_FILE)) else {
        return false;
    };
    match text.trim().parse::<u32>() {
        Ok(pid) if pid == std::process::id() => true,
        Ok(pid) => crate::local::process_alive(pid),
        Err(_) => false,
    }
}

/// `YYYYmmddTHHMMSSZ` or `YYYYmmddTHHMMSSZ-N`, without a manifest, holding only the files
/// a backup writes.
fn legacy_incomplete(dir: &Path) -> bool {
    let name = dir.file_name().unwrap_or_default().to_string_lossy();
    let stamp = name.split('-').next().unwrap_or_default();
    let b = stamp.as_bytes();
    let stamp_ok = b.len() == 16
        && b[8] == b'T'
        && b[15] == b'Z'
        && b[..8].iter().chain(&b[9..15]).all(u8::is_ascii_digit);
    let suffix_ok = name[stamp.len()..]
        .strip_prefix('-')
        .is_none_or(|n| !n.is_empty() && n.bytes().all(|c| c.is_ascii_digit()));
    if !stamp_ok || !suffix_ok || dir.join(super::backup::MANIFEST_FILE).exists() {
        return false;
    }
    std::fs::read_dir(dir).is_ok_and(|rd| {
        rd.flatten().all(|e| {
            let n = e.file_name().to_string_lossy().into_owned();
            e.path().is_file()
                && (n.ends_with(".copy") || n.ends_with(".sql") || n.contains(".tmp-"))
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_finished_backup_has_its_final_name_and_no_owner() {
        let d = tempfile::tempdir().unwrap();
        let dir = d.path().join("20261207T010203Z");
        let s = Staging::begin(&dir).unwrap();
        std::fs::write(s.path().join("1_x.copy"), "a\n").unwrap();
        assert!(partial_dir(&dir).join(OWNER_FILE).exists());
        assert!(!dir.exists());
        assert_eq!(s.finish().unwrap(), dir);
        assert!(dir.join("1_x.copy").exists());
        assert!(!dir.join(OWNER_FILE).exists());
        assert!(!partial_dir(&dir).exists());
    }

    #[test]
    fn leftovers_are_partial_folders_of_dead_writers_and_old_manifestless_stamps() {
        let d = tempfile::tempdir().unwrap();
        let base = d.path();
        // Ours, still being written: not a leftover.
        let live = Staging::begin(&base.join("20261207T010203Z")).unwrap();
        // A dead writer's.
        let dead = base.join("20261207T010204Z.partial");
        std::fs::create_dir_all(&dead).unwrap();
        std::fs::write(dead.join(OWNER_FILE), "4000000000").unwrap();
        // An old version's interrupted backup.
        let old = base.join("20261207T010205Z-2");
        std::fs::create_dir_all(&old).unwrap();
        std::fs::write(old.join("1_public.t.copy"), "").unwrap();
        // A complete backup, and a folder of the user's: kept.
        let done = base.join("20261207T010206Z");
        std::fs::create_dir_all(&done).unwrap();
        std::fs::write(done.join(super::super::backup::MANIFEST_FILE), "{}").unwrap();
        let mine = base.join("20261207T010207Z");
        std::fs::create_dir_all(&mine).unwrap();
        std::fs::write(mine.join("notes.txt"), "mine").unwrap();

        assert_eq!(leftovers(base), vec![dead.clone(), old.clone()]);
        assert_eq!(remove_leftovers(base), vec![dead.clone(), old.clone()]);
        assert!(!dead.exists() && !old.exists());
        assert!(live.path().exists() && done.exists() && mine.exists());
    }
}
