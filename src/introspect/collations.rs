//! Collations from `pg_collation`.

use crate::model::{Collation, QName};
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Deserialize)]
pub(super) struct CollRow {
    pub schema: String,
    pub name: String,
    pub provider: String,
    pub collate: Option<String>,
    pub ctype: Option<String>,
    pub icu: Option<String>,
    pub deterministic: bool,
    pub comment: Option<String>,
}

pub(super) fn collations(rows: Vec<CollRow>) -> BTreeMap<QName, Collation> {
    rows.into_iter()
        .map(|r| {
            let name = QName::new(&r.schema, &r.name);
            let (provider, locale, lc_ctype) = match r.provider.as_str() {
                "i" => ("icu", r.icu.unwrap_or_default(), None),
                "b" => ("builtin", r.icu.unwrap_or_default(), None),
                _ => {
                    let collate = r.collate.unwrap_or_default();
                    let ctype = r.ctype.filter(|c| *c != collate);
                    ("libc", collate, ctype)
                }
            };
            let c = Collation {
                name: name.clone(),
                provider: provider.to_string(),
                locale,
                lc_ctype,
                deterministic: r.deterministic,
                comment: r.comment,
            };
            (name, c)
        })
        .collect()
}
