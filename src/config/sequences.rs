//! `sequence` blocks and the `sequence { … }` block of an identity column.

use super::diag::Diag;
use super::lower::{Blk, Lowerer};
use crate::model::{Address, QName, Sequence, SequenceOptions};

/// The option attributes shared by both forms.
pub(super) const OPTION_ATTRS: &[&str] = &[
    "start",
    "increment",
    "min_value",
    "max_value",
    "cache",
    "cycle",
];

/// `start`, `increment`, `min_value`, `max_value`, `cache`, `cycle`, with the defaults for
/// `data_type` left out (so that `start = 1` and no `start` are the same sequence).
pub(super) fn lower_options(lw: &mut Lowerer, b: &Blk, data_type: &str) -> SequenceOptions {
    let start = lw.integer(b, "start");
    let increment = lw.integer(b, "increment");
    let min = lw.integer(b, "min_value");
    let max = lw.integer(b, "max_value");
    let cache = lw.integer(b, "cache");
    let cycle = lw.boolean(b, "cycle").unwrap_or(false);
    if increment == Some(0) {
        lw.push(
            Diag::new("config::invalid_value", "`increment` must not be zero")
                .at(&b.head, "in this block"),
        );
    }
    let inc = increment.unwrap_or(1);
    let (tmin, tmax) = crate::model::type_range(data_type);
    let min_v = min.unwrap_or(if inc > 0 { 1 } else { tmin });
    let max_v = max.unwrap_or(if inc > 0 { tmax } else { -1 });
    let start_v = start.unwrap_or(if inc > 0 { min_v } else { max_v });
    if min_v >= max_v || start_v < min_v || start_v > max_v {
        lw.push(
            Diag::new(
                "config::invalid_value",
                format!(
                    "the sequence's range is empty or does not hold its start ({start_v} in {min_v}..{max_v})"
                ),
            )
            .at(&b.head, "in this block")
            .help("min_value must be below max_value, and start between them"),
        );
    }
    SequenceOptions::from_catalog(
        data_type,
        start_v,
        inc,
        min_v,
        max_v,
        cache.unwrap_or(1),
        cycle,
    )
}

/// `sequence "LABEL" { name, schema, type = "bigint", start, increment, min_value,
/// max_value, cache, cycle, owned_by = "table.column", comment, depends_on }`.
pub(super) fn lower_sequence(lw: &mut Lowerer, b: &mut Blk, addr: &Address) {
    let Address::Sequence(q) = addr else { return };
    b.addr = addr.to_string();
    let mut attrs = vec![
        "name",
        "schema",
        "type",
        "owned_by",
        "comment",
        "depends_on",
    ];
    attrs.extend_from_slice(OPTION_ATTRS);
    lw.check_shape(b, &attrs, &[]);
    lw.check_name_and_schema(b);
    let data_type = match lw.string(b, "type") {
        None => "bigint".to_string(),
        Some((t, span)) => {
            let canon = super::lower::canonical_type(&t);
            if !matches!(canon.as_str(), "smallint" | "integer" | "bigint") {
                lw.push(
                    Diag::new(
                        "config::invalid_value",
                        format!("`{t}` is not a sequence type"),
                    )
                    .at(&span, "not smallint, integer or bigint"),
                );
            }
            canon
        }
    };
    let options = lower_options(lw, b, &data_type);
    // `table.column` (in the sequence's schema) or `schema.table.column`.
    let owned_by = lw.string(b, "owned_by").and_then(|(s, span)| {
        let parts: Vec<&str> = s.split('.').collect();
        match parts.as_slice() {
            [t, c] => Some((QName::new(&q.schema, *t), c.to_string())),
            [sch, t, c] => Some((QName::new(*sch, *t), c.to_string())),
            _ => {
                lw.push(
                    Diag::new(
                        "config::invalid_value",
                        format!("`{s}` does not name a column"),
                    )
                    .at(
                        &span,
                        "expected \"table.column\" or \"schema.table.column\"",
                    ),
                );
                None
            }
        }
    });
    let comment = lw.string(b, "comment").map(|s| s.0);
    lw.depends_on(b, addr);
    lw.model.sequences.insert(
        q.clone(),
        Sequence {
            name: q.clone(),
            data_type,
            options,
            owned_by,
            comment,
        },
    );
}

/// The `sequence { name, start, increment, min_value, max_value, cache, cycle }` block of
/// an identity column; `None` when absent or all defaults.
pub(super) fn lower_identity_sequence(
    lw: &mut Lowerer,
    column: &Blk,
    c: &crate::model::Column,
) -> Option<crate::model::IdentitySequence> {
    let nb = column
        .blocks
        .iter()
        .find(|nb| nb.ident.value().as_str() == "sequence")
        .copied()?;
    let mut sb = Blk::new(nb, column.file);
    sb.addr = format!("{}.sequence", column.addr);
    if c.identity.is_none() {
        lw.push(
            Diag::new(
                "config::conflicting_attributes",
                "only an identity column has a `sequence` block",
            )
            .at(&sb.head, "this column is not an identity")
            .help("add identity = \"always\" (or \"by default\"), or declare a `sequence` block of its own and use it in the default"),
        );
        return None;
    }
    if !lw.check_labels(&sb, 0, "sequence { start = 1000 }") {
        return None;
    }
    let mut attrs = vec!["name"];
    attrs.extend_from_slice(OPTION_ATTRS);
    lw.check_shape(&sb, &attrs, &[]);
    let name = lw.string(&sb, "name").map(|s| s.0);
    let options = lower_options(lw, &sb, &c.data_type);
    let s = crate::model::IdentitySequence { name, options };
    (s.name.is_some() || !s.options.is_default()).then_some(s)
}
