//! Scratch databases in memory.
//!
//! Normalisation and rehearsal build a whole schema in a throwaway database and drop it a
//! second later. On disk, most of that time is the filesystem creating (and then deleting)
//! a few files per table and index; in a tablespace on a RAM filesystem (`/dev/shm`, a
//! tmpfs) the same DDL runs about 2.5× faster and a database is copied from the template
//! in 20 ms instead of 100 (docs/benchmarks.md). Only those throwaway databases go there:
//! the `local` environment's own database and the template stay on disk.
//!
//! Everything here is best effort: when there is no tmpfs, too little room on it, or the
//! tablespace cannot be set up, scratch databases go to the default tablespace, as they
//! did before. `SUPAFORM_SCRATCH_IN_MEMORY=0` turns it off. After a reboot the directory is
//! gone; it is made again (with the version subdirectory Postgres expects) before use.

use super::process::RunAs;
use super::Instance;
use std::path::{Path, PathBuf};

/// The tablespace scratch databases are created in.
pub(crate) const TABLESPACE: &str = "supaform_scratch";

/// Room the RAM filesystem must have left for scratch databases to go there.
const MIN_FREE_BYTES: u64 = 1 << 30;

/// `/dev/shm/supaform-<key>`, the key derived from the cluster's data directory (one
/// directory per cluster), when `/dev/shm` is a tmpfs with room to spare.
pub(crate) fn ram_dir(data_dir: &Path) -> Option<PathBuf> {
    if std::env::var("SUPAFORM_SCRATCH_IN_MEMORY").is_ok_and(|v| v == "0") {
        return None;
    }
    let shm = Path::new("/dev/shm");
    if !is_tmpfs_with_room(shm) {
        return None;
    }
    let key = blake3::hash(data_dir.to_string_lossy().as_bytes()).to_hex();
    Some(shm.join(format!("supaform-{}", &key[..16])))
}

#[cfg(target_os = "linux")]
fn is_tmpfs_with_room(dir: &Path) -> bool {
    use std::os::unix::ffi::OsStrExt;
    const TMPFS_MAGIC: i64 = 0x0102_1994;
    let Ok(c) = std::ffi::CString::new(dir.as_os_str().as_bytes()) else {
        return false;
    };
    // SAFETY: statfs is plain old data; statfs(2) writes into it and reads a valid C string.
    unsafe {
        let mut st: libc::statfs = std::mem::zeroed();
        if libc::statfs(c.as_ptr(), &mut st) != 0 {
            return false;
        }
        #[allow(clippy::unnecessary_cast)]
        let is_tmpfs = st.f_type as i64 == TMPFS_MAGIC;
        #[allow(clippy::unnecessary_cast)]
        let free = st.f_bavail as u64 * st.f_bsize as u64;
        is_tmpfs && free >= MIN_FREE_BYTES
    }
}

#[cfg(not(target_os = "linux"))]
fn is_tmpfs_with_room(_dir: &Path) -> bool {
    false
}

/// A directory owned by the server's user, mode 700.
fn make_dir(dir: &Path, user: Option<&RunAs>) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::create_dir_all(dir)?;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    if let Some(u) = user {
        std::os::unix::fs::chown(dir, Some(u.uid), Some(u.gid))?;
    }
    Ok(())
}

/// The scratch tablespace, set up if needed; `None` when scratch databases stay on disk.
pub(crate) async fn tablespace(
    inst: &Instance,
    client: &tokio_postgres::Client,
) -> Option<&'static str> {
    let dir = ram_dir(&inst.data_dir)?;
    let user = super::process::run_as().ok().flatten();
    // One process at a time sets it up (another may be making or removing the directory).
    let _lock = super::process::lock(
        &inst.cache_dir.join("scratch.lock"),
        std::time::Duration::from_secs(30),
    )
    .await
    .ok()?;
    let row = client
        .query_opt(
            "SELECT pg_catalog.pg_tablespace_location(oid) FROM pg_catalog.pg_tablespace WHERE spcname = $1",
            &[&TABLESPACE],
        )
        .await
        .ok()?;
    match row {
        Some(row) => {
            let location: String = row.try_get(0).ok()?;
            if Path::new(&location) != dir {
                return None; // set up by a cluster elsewhere: leave it alone
            }
            // After a reboot the directory is gone: make it again, with the
            // `PG_<major>_<catalog version>` directory Postgres keeps databases in.
            let catversion: i32 = client
                .query_one(
                    "SELECT catalog_version_no FROM pg_catalog.pg_control_system()",
                    &[],
                )
                .await
                .ok()?
                .try_get(0)
                .ok()?;
            make_dir(&dir, user.as_ref()).ok()?;
            make_dir(
                &dir.join(format!("PG_{}_{catversion}", inst.major_version)),
                user.as_ref(),
            )
            .ok()?;
            Some(TABLESPACE)
        }
        None => {
            // Left by a cluster of the same path that was deleted since: not ours any more.
            if dir.exists() {
                std::fs::remove_dir_all(&dir).ok()?;
            }
            make_dir(&dir, user.as_ref()).ok()?;
            let sql = format!(
                "CREATE TABLESPACE {} LOCATION {}",
                crate::quote::ident(TABLESPACE),
                crate::quote::literal(&dir.to_string_lossy())
            );
            match client.batch_execute(&sql).await {
                Ok(()) => Some(TABLESPACE),
                // Another process made it at the same moment.
                Err(_) => client
                    .query_opt(
                        "SELECT 1 FROM pg_catalog.pg_tablespace WHERE spcname = $1",
                        &[&TABLESPACE],
                    )
                    .await
                    .ok()
                    .flatten()
                    .map(|_| TABLESPACE),
            }
        }
    }
}
