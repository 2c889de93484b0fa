//! Operating-system plumbing: the user the server runs as, the start lock, pid files,
//! liveness checks, ports, log tails.

use super::LocalError;
use std::ffi::CString;
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom};
use std::os::unix::fs::MetadataExt;
use std::os::unix::io::AsRawFd;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The OS user initdb and postgres run as when supaform itself runs as root.
#[derive(Debug, Clone)]
pub(crate) struct RunAs {
    pub uid: u32,
    pub gid: u32,
}

/// `Some(postgres user)` when this process is root (Postgres refuses to run as root),
/// `None` otherwise (the server runs as the current user).
pub(crate) fn run_as() -> Result<Option<RunAs>, LocalError> {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        return Ok(None);
    }
    lookup_user("postgres")
        .map(Some)
        .ok_or(LocalError::NoPostgresUser)
}

fn lookup_user(name: &str) -> Option<RunAs> {
    let cname = CString::new(name).ok()?;
    let mut buf = vec![0u8; 16 * 1024];
    // SAFETY: passwd is plain old data; getpwnam_r writes into pw and buf, whose sizes
    // are passed, and sets result to null or to &pw.
    unsafe {
        let mut pw: libc::passwd = std::mem::zeroed();
        let mut result: *mut libc::passwd = std::ptr::null_mut();
        let rc = libc::getpwnam_r(
            cname.as_ptr(),
            &mut pw,
            buf.as_mut_ptr().cast(),
            buf.len(),
            &mut result,
        );
        if rc != 0 || result.is_null() {
            return None;
        }
        Some(RunAs {
            uid: pw.pw_uid,
            gid: pw.pw_gid,
        })
    }
}

/// Whether `user` can reach (search) every directory from `/` down to `dir` (inclusive).
pub(crate) fn reachable_by(dir: &Path, user: &RunAs) -> bool {
    let mut cur = PathBuf::new();
    for comp in dir.components() {
        cur.push(comp);
        let Ok(md) = std::fs::metadata(&cur) else {
            return false;
        };
        let mode = md.mode();
        let bit = if md.uid() == user.uid {
            0o100
        } else if md.gid() == user.gid {
            0o010
        } else {
            0o001
        };
        if mode & bit == 0 {
            return false;
        }
    }
    true
}

/// Give `path` to the server's user (only when running as root).
pub(crate) fn chown(path: &Path, user: Option<&RunAs>) -> Result<(), LocalError> {
    if let Some(u) = user {
        std::os::unix::fs::chown(path, Some(u.uid), Some(u.gid))
            .map_err(|e| LocalError::io(format!("could not chown {}", path.display()), e))?;
    }
    Ok(())
}

/// An exclusive `flock` on the cache directory's lock file, released when dropped.
#[derive(Debug)]
pub(crate) struct Lock {
    _file: File,
}

/// Take the start lock, waiting (bounded) while another process holds it.
pub(crate) async fn lock(path: &Path, timeout: Duration) -> Result<Lock, LocalError> {
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .read(true)
        .write(true)
        .open(path)
        .map_err(|e| LocalError::io(format!("could not open lock file {}", path.display()), e))?;
    let deadline = Instant::now() + timeout;
    loop {
        // SAFETY: flock on a valid open descriptor.
        let rc = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
        if rc == 0 {
            return Ok(Lock { _file: file });
        }
        let err = std::io::Error::last_os_error();
        match err.raw_os_error() {
            Some(libc::EWOULDBLOCK) | Some(libc::EINTR) => {}
            _ => {
                return Err(LocalError::io(
                    format!("could not lock {}", path.display()),
                    err,
                ))
            }
        }
        if Instant::now() >= deadline {
            return Err(LocalError::LockTimeout {
                path: path.to_path_buf(),
                seconds: timeout.as_secs(),
            });
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// What `postmaster.pid` says about a running (or crashed) server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PidFile {
    pub pid: u32,
    pub port: u16,
    pub socket_dir: Option<PathBuf>,
    /// `starting`, `stopping`, `ready`, `standby` (empty on old versions).
    pub status: String,
}

pub(crate) fn read_pid_file(data_dir: &Path) -> Option<PidFile> {
    let text = std::fs::read_to_string(data_dir.join("postmaster.pid")).ok()?;
    parse_pid_file(&text)
}

/// Lines: pid, data dir, start time, port, socket dir, listen address, shmem key, status.
pub(crate) fn parse_pid_file(text: &str) -> Option<PidFile> {
    let lines: Vec<&str> = text.lines().collect();
    let pid = lines.first()?.trim().parse().ok()?;
    let port = lines.get(3)?.trim().parse().ok()?;
    let socket_dir = lines
        .get(4)
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .map(PathBuf::from);
    let status = lines
        .get(7)
        .map(|s| s.trim().to_string())
        .unwrap_or_default();
    Some(PidFile {
        pid,
        port,
        socket_dir,
        status,
    })
}

/// Whether `pid` is a live (not zombie) process.
pub(crate) fn alive(pid: u32) -> bool {
    let Ok(p) = i32::try_from(pid) else {
        return false;
    };
    if p <= 0 {
        return false;
    }
    // SAFETY: signal 0 only checks for existence and permission.
    let rc = unsafe { libc::kill(p, 0) };
    if rc != 0 && std::io::Error::last_os_error().raw_os_error() != Some(libc::EPERM) {
        return false;
    }
    // Linux: an exited but unreaped process still answers kill(0).
    if let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        if let Some(state) = stat
            .rsplit_once(')')
            .and_then(|(_, r)| r.split_whitespace().next())
        {
            return state != "Z" && state != "X";
        }
    }
    true
}

/// Whether live process `pid` may be a PostgreSQL server: false only when `/proc` shows a
/// command line that is not one (an exiting process has an empty one: unknown, so true).
pub(crate) fn is_postgres(pid: u32) -> bool {
    match std::fs::read(format!("/proc/{pid}/cmdline")) {
        Ok(cmd) if !cmd.is_empty() => {
            let s = String::from_utf8_lossy(&cmd);
            s.contains("postgres") || s.contains("postmaster")
        }
        _ => true,
    }
}

pub(crate) fn signal(pid: u32, sig: libc::c_int) {
    if let Ok(p) = i32::try_from(pid) {
        if p > 0 {
            // SAFETY: sending a signal to a positive pid.
            unsafe {
                libc::kill(p, sig);
            }
        }
    }
}

/// A free TCP port on 127.0.0.1, `preferred` when it is free.
pub(crate) fn free_port(preferred: Option<u16>) -> Result<u16, LocalError> {
    if let Some(p) = preferred.filter(|p| *p >= 1024) {
        if std::net::TcpListener::bind(("127.0.0.1", p)).is_ok() {
            return Ok(p);
        }
    }
    let l = std::net::TcpListener::bind(("127.0.0.1", 0)).map_err(|e| LocalError::Port {
        reason: e.to_string(),
    })?;
    l.local_addr()
        .map(|a| a.port())
        .map_err(|e| LocalError::Port {
            reason: e.to_string(),
        })
}

/// The last `n` lines of `path` from byte `from` on (what one start attempt wrote).
pub(crate) fn log_tail(path: &Path, from: u64, n: usize) -> String {
    let Ok(mut f) = File::open(path) else {
        return "(no log written)".into();
    };
    let len = f.metadata().map(|m| m.len()).unwrap_or(0);
    // At most the last 64 KiB.
    let start = from.max(len.saturating_sub(64 * 1024)).min(len);
    if f.seek(SeekFrom::Start(start)).is_err() {
        return String::new();
    }
    let mut buf = Vec::new();
    let _ = f.read_to_end(&mut buf);
    let text = String::from_utf8_lossy(&buf);
    let lines: Vec<&str> = text.lines().collect();
    let tail = lines[lines.len().saturating_sub(n)..].join("\n");
    if tail.trim().is_empty() {
        "(the log is empty)".into()
    } else {
        tail
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pid_file_parses() {
        let text = "4242\n/var/tmp/x/data\n1700000000\n54321\n/var/tmp/x/run\n127.0.0.1\n  1234  5678\nready   \n";
        let p = parse_pid_file(text).unwrap();
        assert_eq!(p.pid, 4242);
        assert_eq!(p.port, 54321);
        assert_eq!(p.socket_dir, Some(PathBuf::from("/var/tmp/x/run")));
        assert_eq!(p.status, "ready");
        assert_eq!(parse_pid_file("garbage"), None);
    }

    #[test]
    fn this_process_is_alive_and_pid_zero_is_not() {
        assert!(alive(std::process::id()));
        assert!(!alive(0));
        assert!(!alive(u32::MAX));
    }
}
