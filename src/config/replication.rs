//! A table's `replica_identity` attribute: what its updates and deletes write to the WAL
//! to identify the old row (Realtime and logical replication read it).

use super::diag::Diag;
use super::lower::{attr_span, Blk, Lowerer};
use crate::model::{ReplicaIdentity, Table};

/// `replica_identity = "default" | "full" | "nothing" | "using index NAME"`, where NAME is
/// a unique index, unique constraint or the primary key of the table. Called once the
/// table's indexes and constraints are lowered.
pub(super) fn lower_replica_identity(lw: &mut Lowerer, b: &Blk, t: &mut Table) {
    let Some((s, span)) = lw.string(b, "replica_identity") else {
        return;
    };
    let words: Vec<&str> = s.split_whitespace().collect();
    let lower: Vec<String> = words.iter().map(|w| w.to_ascii_lowercase()).collect();
    let lower: Vec<&str> = lower.iter().map(String::as_str).collect();
    t.replica_identity = match lower.as_slice() {
        ["default"] => None,
        ["full"] => Some(ReplicaIdentity::Full),
        ["nothing"] => Some(ReplicaIdentity::Nothing),
        ["using", "index", _] => {
            let name = words[2].to_string();
            let unique = t.indexes.iter().any(|i| i.unique && i.name == name)
                || t.uniques.iter().any(|u| u.name == name)
                || t.primary_key
                    .as_ref()
                    .is_some_and(|p| p.name.as_deref() == Some(name.as_str()));
            if !unique {
                let mut names: Vec<&str> = t
                    .indexes
                    .iter()
                    .filter(|i| i.unique)
                    .map(|i| i.name.as_str())
                    .chain(t.uniques.iter().map(|u| u.name.as_str()))
                    .chain(t.primary_key.iter().filter_map(|p| p.name.as_deref()))
                    .collect();
                names.sort();
                lw.push(
                    Diag::new(
                        "config::unknown_index",
                        format!("`{name}` is not a unique index of {}", t.name),
                    )
                    .at(
                        &span,
                        "no unique index, unique constraint or primary key of this name",
                    )
                    .help(if names.is_empty() {
                        "the table has no unique index: declare one, or use \"full\"".to_string()
                    } else {
                        format!("unique indexes of the table: {}", names.join(", "))
                    }),
                );
                return;
            }
            Some(ReplicaIdentity::Index(name))
        }
        _ => {
            let at = b
                .attr("replica_identity")
                .map(|a| attr_span(a, b.file))
                .unwrap_or(span);
            lw.push(
                Diag::new(
                    "config::invalid_value",
                    format!("`{s}` is not a valid value for `replica_identity`"),
                )
                .at(&at, "not one of the valid values")
                .help("valid values: \"default\", \"full\", \"nothing\", \"using index NAME\""),
            );
            return;
        }
    };
}
