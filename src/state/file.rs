//! The file backend: `state/<env>.json` beside the configuration.
//!
//! Writes are atomic: the new state goes to a temporary file in the same folder, is
//! fsynced, the current file is copied to `<path>.backup`, then the temporary file is
//! renamed over the state and the folder fsynced. A crash at any point leaves either the
//! old or the new state, never a mix; a temporary file left by a crash is never read.
//! Commands that change the state hold an `flock` on `<path>.lock` for their whole run; the
//! holder writes its pid and start time into it, so a second command can say who holds it.

use super::{State, StateError};
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::os::unix::io::AsRawFd;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// A state file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileBackend {
    pub path: PathBuf,
}

/// Who holds a state lock, as written into the lock file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockHolder {
    pub pid: u32,
    /// UTC, RFC 3339.
    pub since: String,
}

impl std::fmt::Display for LockHolder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "pid {} since {}", self.pid, self.since)
    }
}

/// An exclusive lock on a state file, released when dropped (or when the process exits).
#[derive(Debug)]
pub struct FileLock {
    file: File,
    path: PathBuf,
}

impl FileLock {
    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for FileLock {
    fn drop(&mut self) {
        // Clear the holder before the descriptor (and with it the flock) goes away.
        let _ = self.file.set_len(0);
    }
}

enum TryLock {
    Taken(FileLock),
    Busy(File),
}

impl FileBackend {
    pub fn new(path: impl Into<PathBuf>) -> FileBackend {
        FileBackend { path: path.into() }
    }

    /// `<config_dir>/state/<env>.json`. The environment name must be usable as a file name.
    pub fn for_environment(config_dir: &Path, env: &str) -> Result<FileBackend, StateError> {
        let ok = !env.is_empty()
            && !env.starts_with('.')
            && env
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
        if !ok {
            return Err(StateError::BadEnvironmentName {
                name: env.to_string(),
            });
        }
        Ok(FileBackend::new(
            config_dir.join("state").join(format!("{env}.json")),
        ))
    }

    pub fn describe(&self) -> String {
        self.path.display().to_string()
    }

    /// `<path>.lock`.
    pub fn lock_path(&self) -> PathBuf {
        suffixed(&self.path, ".lock")
    }

    /// `<path>.backup`: the copy the last save replaced.
    pub fn backup_path(&self) -> PathBuf {
        suffixed(&self.path, ".backup")
    }

    /// Take the lock, waiting up to `wait` while another process (or another lock in this
    /// one) holds it; then fail naming the holder. Blocks the thread: from async code use
    /// [`FileBackend::lock_async`].
    pub fn lock(&self, wait: Duration) -> Result<FileLock, StateError> {
        let deadline = Instant::now() + wait;
        loop {
            match self.try_lock()? {
                TryLock::Taken(l) => return Ok(l),
                TryLock::Busy(f) => {
                    if Instant::now() >= deadline {
                        return Err(self.locked(f, wait));
                    }
                }
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// [`FileBackend::lock`] for async code: waits without blocking the runtime.
    pub async fn lock_async(&self, wait: Duration) -> Result<FileLock, StateError> {
        let deadline = Instant::now() + wait;
        loop {
            match self.try_lock()? {
                TryLock::Taken(l) => return Ok(l),
                TryLock::Busy(f) => {
                    if Instant::now() >= deadline {
                        return Err(self.locked(f, wait));
                    }
                }
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    fn try_lock(&self) -> Result<TryLock, StateError> {
        let path = self.lock_path();
        self.create_dir()?;
        let mut file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .read(true)
            .write(true)
            .open(&path)
            .map_err(|e| {
                StateError::io(
                    format!("could not open the lock file {}", path.display()),
                    e,
                )
            })?;
        // SAFETY: flock on a descriptor we own.
        let rc = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
        if rc != 0 {
            let err = std::io::Error::last_os_error();
            return match err.raw_os_error() {
                Some(libc::EWOULDBLOCK) | Some(libc::EINTR) => Ok(TryLock::Busy(file)),
                _ => Err(StateError::io(
                    format!("could not lock {}", path.display()),
                    err,
                )),
            };
        }
        let holder = format!(
            "pid {}\nsince {}\n",
            std::process::id(),
            rfc3339(SystemTime::now())
        );
        let written = file
            .set_len(0)
            .and_then(|_| file.seek(SeekFrom::Start(0)))
            .and_then(|_| file.write_all(holder.as_bytes()));
        if let Err(e) = written {
            return Err(StateError::io(
                format!("could not write the lock file {}", path.display()),
                e,
            ));
        }
        Ok(TryLock::Taken(FileLock { file, path }))
    }

    fn locked(&self, mut file: File, wait: Duration) -> StateError {
        let mut text = String::new();
        let _ = file
            .seek(SeekFrom::Start(0))
            .and_then(|_| file.read_to_string(&mut text));
        let holder = parse_holder(&text).map_or_else(
            || "another process (it has not written its pid yet)".to_string(),
            |h| h.to_string(),
        );
        StateError::Locked {
            path: self.path.display().to_string(),
            holder,
            waited: format!("waited {} s", wait.as_secs()),
        }
    }

    /// The state, or `None` when the file does not exist. A file that cannot be parsed, or
    /// has a newer format, is an error: it is never silently replaced.
    pub fn load(&self) -> Result<Option<State>, StateError> {
        let bytes = match std::fs::read(&self.path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => {
                return Err(StateError::io(
                    format!("could not read the state file {}", self.path.display()),
                    e,
                ))
            }
        };
        let text = String::from_utf8(bytes).map_err(|e| StateError::Invalid {
            origin: self.describe(),
            reason: format!("not UTF-8 text (byte {})", e.utf8_error().valid_up_to()),
        })?;
        State::parse(&text, &self.describe()).map(Some)
    }

    /// Write `s` atomically, keeping the current file as `.backup`. Refuses when the file
    /// on disk holds another lineage or a serial not older than `s.serial` (someone else
    /// wrote it), or cannot be read.
    pub fn save(&self, s: &State) -> Result<(), StateError> {
        if let Some(cur) = self.load()? {
            if cur.lineage != s.lineage {
                return Err(StateError::Conflict {
                    origin: self.describe(),
                    reason: format!(
                        "it holds lineage {}, the new state {}",
                        cur.lineage, s.lineage
                    ),
                });
            }
            if cur.serial >= s.serial {
                return Err(StateError::Conflict {
                    origin: self.describe(),
                    reason: format!("it holds serial {}, the new state {}", cur.serial, s.serial),
                });
            }
        }
        self.write_atomic(s.to_json().as_bytes())
    }

    /// Write `s` atomically whatever the file holds (`state push --force`); the current
    /// file, readable or not, is kept as `.backup`.
    pub fn save_forced(&self, s: &State) -> Result<(), StateError> {
        self.write_atomic(s.to_json().as_bytes())
    }

    fn create_dir(&self) -> Result<(), StateError> {
        let dir = self.dir();
        // A link whose target is gone (an example copied elsewhere): say so, instead of
        // the `File exists` that creating the folder would give.
        if let Ok(meta) = std::fs::symlink_metadata(&dir) {
            if meta.file_type().is_symlink() && std::fs::metadata(&dir).is_err() {
                let target = std::fs::read_link(&dir)
                    .map(|t| t.display().to_string())
                    .unwrap_or_else(|_| "an unreadable target".into());
                return Err(StateError::DanglingLink {
                    dir: dir.display().to_string(),
                    target,
                });
            }
        }
        std::fs::create_dir_all(&dir).map_err(|e| {
            StateError::io(
                format!("could not create the state folder {}", dir.display()),
                e,
            )
        })
    }

    fn dir(&self) -> PathBuf {
        match self.path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        }
    }

    /// The temporary file a save in this process writes first (same folder as the state).
    pub fn temp_path(&self) -> PathBuf {
        let name = self
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "state".into());
        self.dir()
            .join(format!(".{name}.tmp-{}", std::process::id()))
    }

    fn write_atomic(&self, bytes: &[u8]) -> Result<(), StateError> {
        self.create_dir()?;
        self.remove_stale_temps();
        let dir = self.dir();
        let tmp = self.temp_path();
        let what = |w: &str, p: &Path| format!("could not {w} {}", p.display());
        let write = || -> std::io::Result<()> {
            let mut f = OpenOptions::new()
                .write(true)
                .create(true)
                .truncate(true)
                .open(&tmp)?;
            // The new file keeps the current one's permissions (a team may restrict it).
            if let Ok(meta) = std::fs::metadata(&self.path) {
                f.set_permissions(meta.permissions())?;
            }
            f.write_all(bytes)?;
            f.sync_all()
        };
        if let Err(e) = write() {
            let _ = std::fs::remove_file(&tmp);
            return Err(StateError::io(what("write the new state to", &tmp), e));
        }
        crate::util::crash_point("state_after_temp_write");
        if let Err(e) = self.keep_backup() {
            let _ = std::fs::remove_file(&tmp);
            return Err(e);
        }
        crate::util::crash_point("state_after_backup_copy");
        if let Err(e) = std::fs::rename(&tmp, &self.path) {
            let _ = std::fs::remove_file(&tmp);
            return Err(StateError::io(what("replace", &self.path), e));
        }
        crate::util::crash_point("state_after_rename");
        sync_dir(&dir).map_err(|e| StateError::io(what("sync the folder", &dir), e))
    }

    /// Remove the temporary files a save killed mid-way left (`.<name>.tmp-<pid>` and its
    /// `.backup` twin, of a process that is gone). Best effort: they are never read.
    fn remove_stale_temps(&self) {
        let Some(name) = self
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
        else {
            return;
        };
        let prefix = format!(".{name}.tmp-");
        let Ok(entries) = std::fs::read_dir(self.dir()) else {
            return;
        };
        for e in entries.flatten() {
            let file = e.file_name().to_string_lossy().into_owned();
            let Some(rest) = file.strip_prefix(&prefix) else {
                continue;
            };
            let pid = rest.strip_suffix(".backup").unwrap_or(rest);
            let Ok(pid) = pid.parse::<u32>() else {
                continue;
            };
            if pid != std::process::id() && !process_alive(pid) {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }

    /// Copy the current file (if any) to `.backup`, atomically too.
    fn keep_backup(&self) -> Result<(), StateError> {
        if !self.path.exists() {
            return Ok(());
        }
        let backup = self.backup_path();
        let tmp = suffixed(&self.temp_path(), ".backup");
        let copy = || -> std::io::Result<()> {
            std::fs::copy(&self.path, &tmp)?;
            File::open(&tmp)?.sync_all()?;
            std::fs::rename(&tmp, &backup)
        };
        copy().map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            StateError::io(
                format!("could not keep the previous state as {}", backup.display()),
                e,
            )
        })
    }
}

fn suffixed(p: &Path, suffix: &str) -> PathBuf {
    let mut s = p.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

/// Whether a process of this pid exists (signal 0 checks without sending anything).
fn process_alive(pid: u32) -> bool {
    match i32::try_from(pid) {
        Ok(p) if p > 0 => {
            // SAFETY: signal 0 sends nothing; it only checks that the process exists.
            let rc = unsafe { libc::kill(p, 0) };
            rc == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
        }
        _ => true,
    }
}

fn sync_dir(dir: &Path) -> std::io::Result<()> {
    File::open(dir)?.sync_all()
}

/// The holder a lock file names (`pid N` and `since T` lines).
pub(crate) fn parse_holder(text: &str) -> Option<LockHolder> {
    let mut pid = None;
    let mut since = None;
    for line in text.lines() {
        if let Some(p) = line.strip_prefix("pid ") {
            pid = p.trim().parse().ok();
        } else if let Some(s) = line.strip_prefix("since ") {
            since = Some(s.trim().to_string());
        }
    }
    Some(LockHolder {
        pid: pid?,
        since: since.unwrap_or_else(|| "an unknown time".into()),
    })
}

/// `YYYY-MM-DDTHH:MM:SSZ` (UTC).
pub(crate) fn rfc3339(t: SystemTime) -> String {
    let secs = t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_utc_timestamps() {
        assert_eq!(rfc3339(UNIX_EPOCH), "1970-01-01T00:00:00Z");
        let t = UNIX_EPOCH + Duration::from_secs(1_795_600_882);
        assert_eq!(rfc3339(t), "2026-11-25T10:01:22Z");
        let leap = UNIX_EPOCH + Duration::from_secs(951_825_600); // 2000-02-29 12:00
        assert_eq!(rfc3339(leap), "2000-02-29T12:00:00Z");
    }

    #[test]
    fn parses_the_holder_written_into_a_lock_file() {
        let h = parse_holder("pid 42\nsince 2026-01-01T00:00:00Z\n").unwrap();
        assert_eq!(h.pid, 42);
        assert_eq!(h.to_string(), "pid 42 since 2026-01-01T00:00:00Z");
        assert!(parse_holder("").is_none());
    }

    #[test]
    fn environment_names_must_be_safe_file_names() {
        let dir = Path::new("/cfg");
        assert_eq!(
            FileBackend::for_environment(dir, "production")
                .unwrap()
                .path,
            Path::new("/cfg/state/production.json")
        );
        for bad in ["", "../x", "a/b", ".hidden"] {
            assert!(FileBackend::for_environment(dir, bad).is_err(), "{bad}");
        }
    }
}
