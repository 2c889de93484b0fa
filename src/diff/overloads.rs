//! SQL functions sharing a name (overloads), keyed by name and argument types.

use crate::model::{GrantTarget, Model, QName};

/// `m` with its functions keyed by name and argument types where `other` has overloads
/// of the same name (`None` when nothing changes): one of several functions sharing a
/// name is keyed `name(types)`, so the two sides compare function by function.
pub(super) fn keyed_like(m: &Model, other: &Model) -> Option<Model> {
    let overloaded: std::collections::BTreeSet<&QName> = other
        .functions
        .values()
        .filter(|f| f.overload.is_some())
        .map(|f| &f.name)
        .collect();
    let rekey: Vec<QName> = m
        .functions
        .iter()
        .filter(|(_, f)| f.overload.is_none() && overloaded.contains(&f.name))
        .map(|(k, _)| k.clone())
        .collect();
    if rekey.is_empty() {
        return None;
    }
    let mut out = m.clone();
    for k in rekey {
        if let Some(mut f) = out.functions.remove(&k) {
            f.overload = Some(f.in_types());
            let key = f.key();
            for g in &mut out.grants {
                if g.target == GrantTarget::Function(k.clone()) {
                    g.target = GrantTarget::Function(key.clone());
                }
            }
            out.functions.insert(key, f);
        }
    }
    Some(out)
}
