//! Table constraints beside the column lists: whether a key is deferrable, and
//! `exclude "NAME" { definition = "using gist (room with =, during with &&)" }`.

use super::eval::{Spanned, Value};
use super::lower::{Blk, Lowerer};
use crate::model::{Deferrable, Exclusion};

/// `deferrable = false | "immediate" | "deferred"` (attribute `name` of `b`): a primary
/// key, unique constraint or foreign key Postgres checks at commit when deferred.
pub(super) fn lower_deferrable(lw: &mut Lowerer, b: &Blk, name: &str) -> Deferrable {
    match lw.val(b, name) {
        None
        | Some(Spanned {
            value: Value::Bool(false),
            ..
        }) => Deferrable::No,
        Some(Spanned {
            value: Value::String(s),
            span,
        }) => lw
            .pick(
                &s,
                &span,
                "deferrable mode",
                &[
                    ("immediate", Deferrable::Immediate),
                    ("deferred", Deferrable::Deferred),
                ],
            )
            .unwrap_or_default(),
        Some(v) => {
            lw.wrong_type(&v, name, "false, \"immediate\" or \"deferred\"");
            Deferrable::No
        }
    }
}

/// `exclude "NAME" { definition = "using gist (c with &&)" }`: what follows `EXCLUDE` in
/// Postgres' syntax (method, elements with their operators, `include`, `where`,
/// `deferrable`). Postgres checks it when the configuration is normalised.
pub(super) fn lower_exclusion(lw: &mut Lowerer, b: &Blk, name: String) -> Option<Exclusion> {
    lw.check_shape(b, &["definition"], &[]);
    let (definition, _) = lw.req_string(b, "definition", "\"using gist (during with &&)\"")?;
    let definition = definition.trim();
    // `EXCLUDE` written out too is accepted.
    let definition = match definition.get(..8) {
        Some(head) if head.eq_ignore_ascii_case("exclude ") => definition[8..].trim_start(),
        _ => definition,
    };
    Some(Exclusion {
        name,
        definition: definition.to_string(),
    })
}
