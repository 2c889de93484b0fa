//! Sequences from `pg_sequence`: standalone ones, serial columns' under another name or
//! with options of their own, and the options of identity columns' sequences.

use crate::model::{IdentitySequence, QName, SequenceOptions};
use serde::Deserialize;

#[derive(Deserialize)]
pub(super) struct SeqRow {
    pub oid: u32,
    #[serde(rename = "type")]
    pub data_type: String,
    pub start: i64,
    pub increment: i64,
    pub max: i64,
    pub min: i64,
    pub cache: i64,
    pub cycle: bool,
}

impl SeqRow {
    pub fn options(&self) -> SequenceOptions {
        SequenceOptions::from_catalog(
            &self.data_type,
            self.start,
            self.increment,
            self.min,
            self.max,
            self.cache,
            self.cycle,
        )
    }
}

/// An identity column's sequence as the model holds it: `None` when Postgres would give
/// the same name and options to a new identity column of that type.
pub(super) fn identity_sequence(
    table: &QName,
    column: &str,
    seq: &QName,
    row: &SeqRow,
) -> Option<IdentitySequence> {
    let default = crate::model::column_sequence_name(table, column);
    let name = (seq.name != default.name || seq.schema != table.schema).then(|| seq.name.clone());
    let s = IdentitySequence {
        name,
        options: row.options(),
    };
    (s.name.is_some() || !s.options.is_default()).then_some(s)
}
