//! `domain` and `composite_type` blocks.

use super::lower::{Blk, Lowerer};
use crate::model::{Address, Attribute, Check, CompositeType, Domain};

/// `domain "LABEL" { type = "text", null = true, default = "…", check "NAME" { expression
/// = "VALUE ~ '…'" }, collation, comment }`.
pub(super) fn lower_domain(lw: &mut Lowerer, b: &mut Blk, addr: &Address) {
    let Address::Domain(q) = addr else { return };
    b.addr = addr.to_string();
    lw.check_shape(
        b,
        &[
            "name",
            "schema",
            "type",
            "null",
            "default",
            "collation",
            "comment",
            "depends_on",
        ],
        &["check"],
    );
    lw.check_name_and_schema(b);
    let base = lw.req_string(b, "type", "\"text\"").map(|s| s.0);
    let nullable = lw.boolean(b, "null").unwrap_or(true);
    let default = lw.string(b, "default").map(|s| s.0);
    let collation = lw.string(b, "collation").map(|s| s.0);
    let comment = lw.string(b, "comment").map(|s| s.0);
    lw.depends_on(b, addr);
    let mut checks = vec![];
    for nb in b.blocks.clone() {
        if nb.ident.value().as_str() != "check" {
            continue;
        }
        let mut cb = Blk::new(nb, b.file);
        if !lw.check_labels(&cb, 1, "check \"NAME\" { expression = \"VALUE > 0\" }") {
            continue;
        }
        cb.addr = addr.to_string();
        lw.check_shape(&cb, &["expression"], &[]);
        if let Some((e, _)) = lw.req_string(&cb, "expression", "\"VALUE > 0\"") {
            checks.push(Check {
                no_inherit: false,
                name: cb.label().to_string(),
                expression: e,
                valid: true,
            });
        }
    }
    checks.sort_by(|a, b| a.name.cmp(&b.name));
    if let Some(base_type) = base {
        lw.model.domains.insert(
            q.clone(),
            Domain {
                name: q.clone(),
                base_type,
                nullable,
                default,
                checks,
                collation,
                comment,
            },
        );
    }
}

/// `composite_type "LABEL" { attribute "NAME" { type = "int" } … comment }`.
pub(super) fn lower_composite_type(lw: &mut Lowerer, b: &mut Blk, addr: &Address) {
    let Address::CompositeType(q) = addr else {
        return;
    };
    b.addr = addr.to_string();
    lw.check_shape(
        b,
        &["name", "schema", "comment", "depends_on"],
        &["attribute"],
    );
    lw.check_name_and_schema(b);
    let comment = lw.string(b, "comment").map(|s| s.0);
    lw.depends_on(b, addr);
    let mut attributes: Vec<Attribute> = vec![];
    for nb in b.blocks.clone() {
        if nb.ident.value().as_str() != "attribute" {
            continue;
        }
        let mut ab = Blk::new(nb, b.file);
        if !lw.check_labels(&ab, 1, "attribute \"NAME\" { type = \"text\" }") {
            continue;
        }
        ab.addr = addr.to_string();
        lw.check_shape(&ab, &["type"], &[]);
        if let Some((t, _)) = lw.req_string(&ab, "type", "\"text\"") {
            attributes.push(Attribute {
                name: ab.label().to_string(),
                data_type: t,
            });
        }
    }
    lw.model.composite_types.insert(
        q.clone(),
        CompositeType {
            name: q.clone(),
            attributes,
            comment,
        },
    );
}
