//! Sequences: standalone ones (`create sequence app.invoice_number`, a serial column's
//! sequence under another name) and the options of an identity column's sequence.

use super::{Keyed, QName};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// A sequence's options; `None` is Postgres' default for the sequence's type and the
/// direction of its increment (as `CREATE SEQUENCE` without the clause would give).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SequenceOptions {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub increment: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_value: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_value: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache: Option<i64>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub cycle: bool,
}

/// The range of a sequence type: `smallint`, `integer`, `bigint`.
pub fn type_range(data_type: &str) -> (i64, i64) {
    match data_type {
        "smallint" => (i16::MIN as i64, i16::MAX as i64),
        "integer" => (i32::MIN as i64, i32::MAX as i64),
        _ => (i64::MIN, i64::MAX),
    }
}

impl SequenceOptions {
    /// Read from the catalog's values: each that equals the default becomes `None`.
    pub fn from_catalog(
        data_type: &str,
        start: i64,
        increment: i64,
        min: i64,
        max: i64,
        cache: i64,
        cycle: bool,
    ) -> Self {
        let (tmin, tmax) = type_range(data_type);
        let (dmin, dmax) = if increment > 0 { (1, tmax) } else { (tmin, -1) };
        let min_value = (min != dmin).then_some(min);
        let max_value = (max != dmax).then_some(max);
        let dstart = if increment > 0 { min } else { max };
        SequenceOptions {
            start: (start != dstart).then_some(start),
            increment: (increment != 1).then_some(increment),
            min_value,
            max_value,
            cache: (cache != 1).then_some(cache),
            cycle,
        }
    }

    pub fn is_default(&self) -> bool {
        *self == SequenceOptions::default()
    }

    /// The clauses of `CREATE SEQUENCE` / `GENERATED … AS IDENTITY (…)` for the options
    /// that are set, in Postgres' order.
    pub fn clauses(&self) -> Vec<String> {
        let mut v = vec![];
        if let Some(i) = self.increment {
            v.push(format!("INCREMENT BY {i}"));
        }
        if let Some(m) = self.min_value {
            v.push(format!("MINVALUE {m}"));
        }
        if let Some(m) = self.max_value {
            v.push(format!("MAXVALUE {m}"));
        }
        if let Some(s) = self.start {
            v.push(format!("START WITH {s}"));
        }
        if let Some(c) = self.cache {
            v.push(format!("CACHE {c}"));
        }
        if self.cycle {
            v.push("CYCLE".into());
        }
        v
    }

    /// The clauses of `ALTER SEQUENCE` that take `self` to `to` (`NO MINVALUE` where a set
    /// value goes back to the default). Without `RESTART`: values handed out are kept.
    pub fn alter_clauses(&self, to: &SequenceOptions) -> Vec<String> {
        let mut v = vec![];
        if self.increment != to.increment {
            v.push(format!("INCREMENT BY {}", to.increment.unwrap_or(1)));
        }
        if self.min_value != to.min_value {
            v.push(match to.min_value {
                Some(m) => format!("MINVALUE {m}"),
                None => "NO MINVALUE".into(),
            });
        }
        if self.max_value != to.max_value {
            v.push(match to.max_value {
                Some(m) => format!("MAXVALUE {m}"),
                None => "NO MAXVALUE".into(),
            });
        }
        if self.start != to.start {
            // Without a value, START WITH takes the (new) minimum (or maximum).
            v.push(match to.start {
                Some(s) => format!("START WITH {s}"),
                None => match (to.increment.unwrap_or(1) > 0, to.min_value, to.max_value) {
                    (true, Some(m), _) | (false, _, Some(m)) => format!("START WITH {m}"),
                    (true, None, _) => "START WITH 1".into(),
                    (false, _, None) => "START WITH -1".into(),
                },
            });
        }
        if self.cache != to.cache {
            v.push(format!("CACHE {}", to.cache.unwrap_or(1)));
        }
        if self.cycle != to.cycle {
            v.push(if to.cycle { "CYCLE" } else { "NO CYCLE" }.into());
        }
        v
    }
}

/// `CREATE SEQUENCE name AS type …`: one not created by a column's `serial` type or
/// identity (or one such under a name Postgres would not give it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sequence {
    pub name: QName,
    /// `smallint`, `integer` or `bigint` (the default).
    pub data_type: String,
    #[serde(flatten)]
    pub options: SequenceOptions,
    /// The column that owns it (`OWNED BY`): dropping the column or its table drops it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owned_by: Option<(QName, String)>,
    pub comment: Option<String>,
}

/// The sequence behind an identity column when its name or options are not the ones
/// Postgres gives (`<table>_<column>_seq`, the type's defaults).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentitySequence {
    /// Its name, in the table's schema; `None`: Postgres' choice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(flatten)]
    pub options: SequenceOptions,
}

impl Keyed for Sequence {
    type Key = QName;
    fn key(&self) -> QName {
        self.name.clone()
    }
}

/// The name Postgres gives a serial or identity column's sequence (`<table>_<column>_seq`,
/// the longer of the two names shortened first when it would exceed 63 bytes, as
/// Postgres' `makeObjectName` does). Postgres adds a digit when the name is taken; such a
/// sequence is read with its name.
pub fn column_sequence_name(table: &QName, column: &str) -> QName {
    let avail = 63 - "seq".len() - 2;
    let (mut n1, mut n2) = (table.name.len(), column.len());
    while n1 + n2 > avail {
        if n1 > n2 {
            n1 -= 1;
        } else {
            n2 -= 1;
        }
    }
    let clip = |s: &str, mut n: usize| -> String {
        while !s.is_char_boundary(n) {
            n -= 1;
        }
        s[..n].to_string()
    };
    QName::new(
        &table.schema,
        format!("{}_{}_seq", clip(&table.name, n1), clip(column, n2)),
    )
}

impl super::Model {
    /// The sequences the model's `serial` columns imply, by name, as `sequence` blocks
    /// would declare them (`serial` → `integer`, owned by the column, default options).
    pub fn implied_sequences(&self) -> BTreeMap<QName, Sequence> {
        let mut out = BTreeMap::new();
        for t in self.tables.values() {
            for c in &t.columns {
                let base = match c.data_type.as_str() {
                    "serial" => "integer",
                    "bigserial" => "bigint",
                    "smallserial" => "smallint",
                    _ => continue,
                };
                let name = column_sequence_name(&t.name, &c.name);
                out.insert(
                    name.clone(),
                    Sequence {
                        name,
                        data_type: base.into(),
                        options: SequenceOptions::default(),
                        owned_by: Some((t.name.clone(), c.name.clone())),
                        comment: None,
                    },
                );
            }
        }
        out
    }

    /// Every sequence the model holds: its `sequence` blocks, and those its serial and
    /// identity columns imply.
    pub fn sequence_names(&self) -> BTreeSet<QName> {
        let mut out: BTreeSet<QName> = self.sequences.keys().cloned().collect();
        out.extend(self.implied_sequences().into_keys());
        for t in self.tables.values() {
            for c in t.columns.iter().filter(|c| c.identity.is_some()) {
                out.insert(
                    match c.identity_sequence.as_ref().and_then(|s| s.name.as_ref()) {
                        Some(n) => QName::new(&t.name.schema, n),
                        None => column_sequence_name(&t.name, &c.name),
                    },
                );
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalog_defaults_become_none_and_others_stay() {
        let d = SequenceOptions::from_catalog("bigint", 1, 1, 1, i64::MAX, 1, false);
        assert!(d.is_default());
        // Descending: the range and start follow the direction, only the increment is said.
        let d = SequenceOptions::from_catalog("integer", -1, -1, i32::MIN as i64, -1, 1, false);
        assert_eq!(d.clauses(), ["INCREMENT BY -1"]);
        let o = SequenceOptions::from_catalog("integer", 100, 10, 1, 1_000_000, 20, true);
        assert_eq!(
            o.clauses(),
            [
                "INCREMENT BY 10",
                "MAXVALUE 1000000",
                "START WITH 100",
                "CACHE 20",
                "CYCLE"
            ]
        );
        // A start equal to a custom minimum is that minimum's default.
        let o = SequenceOptions::from_catalog("bigint", 1000, 1, 1000, i64::MAX, 1, false);
        assert_eq!(o.clauses(), ["MINVALUE 1000"]);
    }

    #[test]
    fn alter_clauses_reset_what_goes_back_to_the_default() {
        let from = SequenceOptions {
            increment: Some(5),
            max_value: Some(99),
            cycle: true,
            ..Default::default()
        };
        let to = SequenceOptions {
            cache: Some(10),
            ..Default::default()
        };
        assert_eq!(
            from.alter_clauses(&to),
            ["INCREMENT BY 1", "NO MAXVALUE", "CACHE 10", "NO CYCLE"]
        );
        assert!(to.alter_clauses(&to).is_empty());
    }
}
