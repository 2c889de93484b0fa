//! What can go wrong reading, writing or locking the state.

use miette::{Diagnostic, NamedSource, SourceSpan};
use thiserror::Error;

#[derive(Debug, Error, Diagnostic)]
pub enum StateError {
    #[error("{what}: {source}")]
    #[diagnostic(code(supaform::state::io))]
    Io {
        what: String,
        #[source]
        source: std::io::Error,
    },

    #[error("{origin}:{line}:{column}: the state cannot be read: {reason}")]
    #[diagnostic(
        code(supaform::state::corrupt),
        help(
            "supaform never replaces a state it cannot read. Fix the file, or put the previous copy \
             back (the `.backup` file beside it), or replace it with `supaform state push FILE --force`"
        )
    )]
    Corrupt {
        origin: String,
        line: usize,
        column: usize,
        reason: String,
        #[source_code]
        src: std::sync::Arc<NamedSource<String>>,
        #[label("here")]
        at: SourceSpan,
    },

    #[error("{origin} has state format {found}, newer than the {supported} this supaform reads")]
    #[diagnostic(
        code(supaform::state::newer_format),
        help("a newer supaform wrote it: upgrade supaform (it is left untouched)")
    )]
    NewerFormat {
        origin: String,
        found: u32,
        supported: u32,
    },

    #[error("{origin} is not a valid state: {reason}")]
    #[diagnostic(
        code(supaform::state::invalid),
        help("fix the file, or put the previous copy back (the `.backup` file beside it)")
    )]
    Invalid { origin: String, reason: String },

    #[error("the state {path} is locked by {holder} ({waited})")]
    #[diagnostic(
        code(supaform::state::locked),
        help(
            "another supaform command (apply, state rm, …) is using this state; run again when it \
             has finished. The lock is released when that process exits, even if it crashes"
        )
    )]
    Locked {
        path: String,
        holder: String,
        /// `waited 30 s`, or `lock_timeout expired`.
        waited: String,
    },

    #[error("refusing to overwrite {origin}: {reason}")]
    #[diagnostic(
        code(supaform::state::conflict),
        help("someone else wrote the state meanwhile: plan again against the current state")
    )]
    Conflict { origin: String, reason: String },

    #[error("{what}: {reason}")]
    #[diagnostic(code(supaform::state::database))]
    Database { what: String, reason: String },

    #[error("the state folder {dir} is a symbolic link to {target}, which does not exist")]
    #[diagnostic(
        code(supaform::state::dangling_link),
        help(
            "the link was probably copied from somewhere it pointed at a real folder (a copied \
             example). Remove it (`rm {dir}`) and supaform creates a real folder on the next \
             apply, or point it at an existing folder"
        )
    )]
    DanglingLink { dir: String, target: String },

    #[error("environment name `{name}` cannot name a state file")]
    #[diagnostic(
        code(supaform::state::bad_environment_name),
        help("use letters, digits, `_`, `-` and `.` (not first) in environment names")
    )]
    BadEnvironmentName { name: String },

    #[error("environment `{env}` has no state yet ({location})")]
    #[diagnostic(
        code(supaform::state::none),
        help("`supaform apply -e {env}` creates it; `supaform state push FILE -e {env}` installs one")
    )]
    NoState { env: String, location: String },

    #[error("the state of `{env}` has no resource `{address}`")]
    #[diagnostic(code(supaform::state::no_such_resource), help("{help}"))]
    NoSuchResource {
        env: String,
        address: String,
        help: String,
    },

    #[error("{} protected by prevent_destroy: {}", if addresses.len() == 1 { "this resource is" } else { "these resources are" }, addresses.join(", "))]
    #[diagnostic(
        code(supaform::state::protected),
        help(
            "removing it from the state makes supaform forget the protection; pass --force if that is what you want"
        )
    )]
    Protected { addresses: Vec<String> },

    #[error("{file} belongs to another state history (lineage {pushed}, current {current})")]
    #[diagnostic(
        code(supaform::state::lineage_mismatch),
        help("it was not derived from this environment's state; pass --force to replace the state anyway")
    )]
    LineageMismatch {
        file: String,
        current: String,
        pushed: String,
    },

    #[error("{file} has serial {pushed}, not newer than the current state's {current}")]
    #[diagnostic(
        code(supaform::state::stale_serial),
        help("the state was written since this copy was taken: pull it again, or pass --force to go back to this copy")
    )]
    StaleSerial {
        file: String,
        current: u64,
        pushed: u64,
    },

    #[error("{file} is the state of environment `{pushed}`, not `{env}`")]
    #[diagnostic(
        code(supaform::state::wrong_environment),
        help("push it with -e {pushed}, or pass --force to use it for `{env}`")
    )]
    WrongEnvironment {
        file: String,
        env: String,
        pushed: String,
    },
}

impl StateError {
    pub(crate) fn io(what: impl Into<String>, source: std::io::Error) -> StateError {
        StateError::Io {
            what: what.into(),
            source,
        }
    }

    /// A JSON error of `text`, pointing at serde_json's line and column.
    pub(crate) fn corrupt(origin: &str, text: &str, e: &serde_json::Error) -> StateError {
        let (line, column) = (e.line(), e.column());
        let full = e.to_string();
        let suffix = format!(" at line {line} column {column}");
        let reason = full.strip_suffix(&suffix).unwrap_or(&full).to_string();
        let offset = offset_of(text, line, column);
        let len = text[offset..].chars().next().map_or(0, char::len_utf8);
        StateError::Corrupt {
            origin: origin.to_string(),
            line,
            column,
            reason,
            src: std::sync::Arc::new(NamedSource::new(origin, text.to_string())),
            at: SourceSpan::new(offset.into(), len),
        }
    }
}

/// Byte offset of a 1-based line and column (bytes, as serde_json counts), clamped to the
/// text and to a character boundary.
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let mut offset = 0;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            offset += column.saturating_sub(1).min(l.len());
            break;
        }
        offset += l.len();
    }
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}
