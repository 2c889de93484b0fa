//! `supaform fmt`: rewrite every `*.hcl` file of the config directory in the canonical
//! layout (`config::fmt`). Like `terraform fmt`: the names of changed files are listed,
//! `--diff` adds a unified diff of each, `--check` writes nothing and exits 3 when a file
//! would change. A file with a syntax error is left alone and reported; the others are
//! still processed, then the command exits 1.

use super::Cli;
use crate::config::fmt::format_source;
use crate::config::{config_files, Diag, Diagnostics, Sources};
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Do not write files; exit 3 when any file is not formatted.
    #[arg(long)]
    pub check: bool,
    /// Print the changes as a unified diff.
    #[arg(long)]
    pub diff: bool,
}

pub fn run(cli: &Cli, args: &Args) -> miette::Result<ExitCode> {
    let files = config_files(&cli.config).map_err(miette::Report::new)?;
    let mut sources = Sources::default();
    let mut diags = Diagnostics::default();
    let mut changed = 0usize;
    let mut stdout = std::io::stdout().lock();
    for path in &files {
        let name = super::shown(path.strip_prefix(".").unwrap_or(path));
        let text = match std::fs::read(path) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(t) => t,
                Err(e) => {
                    diags.push(Diag::new(
                        "config::unreadable",
                        format!(
                            "{name} is not UTF-8 text (invalid byte at offset {}); it was left unchanged",
                            e.utf8_error().valid_up_to()
                        ),
                    ));
                    continue;
                }
            },
            Err(e) => {
                diags.push(
                    Diag::new("config::unreadable", format!("cannot read {name}: {e}"))
                        .help("check the file's permissions"),
                );
                continue;
            }
        };
        let file = sources.add(path.clone(), name.clone(), text.clone());
        let formatted = match format_source(&text) {
            Ok(f) => f,
            Err(mut d) => {
                match d.span.as_mut() {
                    Some(span) => span.file = file,
                    None => d.message = format!("{name}: {}", d.message),
                }
                diags.push(d);
                continue;
            }
        };
        if formatted == text {
            continue;
        }
        if !args.check {
            if let Err(e) = write_atomically(path, &formatted) {
                diags.push(
                    Diag::new(
                        "fmt::write",
                        format!("cannot rewrite {name}: {e}; it was left unchanged"),
                    )
                    .help("check the permissions of the file and of its directory"),
                );
                continue;
            }
        }
        changed += 1;
        let _ = writeln!(stdout, "{name}");
        if args.diff {
            let diff = similar::TextDiff::from_lines(&text, &formatted)
                .unified_diff()
                .header(&format!("old/{name}"), &format!("new/{name}"))
                .to_string();
            let _ = write!(stdout, "{diff}");
        }
    }
    let _ = stdout.flush();
    if !diags.is_empty() {
        return Err(miette::Report::new(diags.attach(&sources)));
    }
    if args.check && changed > 0 {
        return Ok(ExitCode::from(3));
    }
    Ok(ExitCode::SUCCESS)
}

/// Replace the file at `path` (following symlinks) with `text`: a temporary file in the
/// same directory, with the original's permissions (and owner, where allowed), synced,
/// then renamed over it, so a crash leaves either the old or the new file, never half.
fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::{Error, ErrorKind};
    let target = std::fs::canonicalize(path)?;
    let meta = std::fs::metadata(&target)?;
    if meta.permissions().readonly() {
        return Err(Error::new(
            ErrorKind::PermissionDenied,
            "the file is read-only",
        ));
    }
    let dir = target
        .parent()
        .ok_or_else(|| Error::new(ErrorKind::InvalidInput, "the file has no directory"))?;
    let base = target
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let mut attempt = 0u32;
    let (tmp, mut file) = loop {
        let tmp = dir.join(format!(
            ".{base}.supaform-fmt.{}.{attempt}",
            std::process::id()
        ));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
        {
            Ok(f) => break (tmp, f),
            Err(e) if e.kind() == ErrorKind::AlreadyExists && attempt < 100 => attempt += 1,
            Err(e) => return Err(e),
        }
    };
    let result = (|| {
        file.write_all(text.as_bytes())?;
        file.set_permissions(meta.permissions())?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            // Keeping the owner needs privileges; without them the file becomes ours, as
            // with any editor that saves by renaming.
            let _ = std::os::unix::fs::fchown(&file, Some(meta.uid()), Some(meta.gid()));
        }
        file.sync_all()?;
        drop(file);
        std::fs::rename(&tmp, &target)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}
