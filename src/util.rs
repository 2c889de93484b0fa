//! Small filesystem helpers shared by commands.

use std::io::Write;
use std::path::Path;

/// Write `bytes` to `path` atomically: a temp file in the same folder, fsync, rename, and
/// fsync of the folder, so a crash leaves either the old file or the new one.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "file".into());
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)?;
        if let Ok(d) = std::fs::File::open(&dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// The environment variable naming the crash point a test wants the process to die at.
pub const CRASH_AT_VAR: &str = "SUPAFORM_CRASH_AT";

fn crash_requested(name: &str) -> bool {
    std::env::var_os(CRASH_AT_VAR).is_some_and(|v| v == name)
}

fn die_now() -> ! {
    // SAFETY: sending a signal to our own process; SIGKILL cannot be caught, so nothing
    // after it runs: no unwinding, no destructors, no buffered output flushed.
    unsafe {
        libc::kill(libc::getpid(), libc::SIGKILL);
    }
    // SIGKILL to ourselves is delivered before `kill` returns; just in case.
    std::process::abort()
}

/// Test hook for the crash tests (`tests/crash.rs`): when `SUPAFORM_CRASH_AT` equals
/// `name`, the process dies at once by SIGKILL, exactly like `kill -9`. Does nothing
/// otherwise.
pub fn crash_point(name: &str) {
    if crash_requested(name) {
        die_now();
    }
}

/// Like [`crash_point`], but the process dies `after` from now, from another thread,
/// whatever it is doing then (e.g. waiting for a long statement).
pub fn crash_point_after(name: &str, after: std::time::Duration) {
    if crash_requested(name) {
        std::thread::spawn(move || {
            std::thread::sleep(after);
            die_now();
        });
    }
}

/// Whether `text` holds `word` as a whole word (not inside a longer identifier).
pub fn has_word(text: &str, word: &str) -> bool {
    !word.is_empty()
        && text.match_indices(word).any(|(i, _)| {
            let before = text[..i].chars().next_back();
            let after = text[i + word.len()..].chars().next();
            let w = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
            !w(before) && !w(after)
        })
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_atomic_write_replaces_the_file_and_leaves_no_temp() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("plan.json");
        std::fs::write(&p, "old").unwrap();
        super::write_atomic(&p, b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "new");
        assert_eq!(std::fs::read_dir(d.path()).unwrap().count(), 1);
    }
}
