//! `collation "LABEL" { provider = "icu", locale = "en-u-kn-true", deterministic = false }`.

use super::lower::{Blk, Lowerer};
use crate::model::{Address, Collation};

const PROVIDERS: [(&str, &str); 3] = [("libc", "libc"), ("icu", "icu"), ("builtin", "builtin")];

/// `provider` (`libc` default, `icu`, `builtin` on PostgreSQL 17+), `locale` (required:
/// an ICU language tag, or libc's locale name), `lc_ctype` (libc only, where character
/// classification differs from sorting), `deterministic` (bool, default true), `comment`.
/// Postgres checks the locale when the configuration is normalised.
pub(super) fn lower_collation(lw: &mut Lowerer, b: &mut Blk, addr: &Address) {
    let Address::Collation(q) = addr else { return };
    b.addr = addr.to_string();
    lw.check_shape(
        b,
        &[
            "name",
            "schema",
            "provider",
            "locale",
            "lc_ctype",
            "deterministic",
            "comment",
            "depends_on",
        ],
        &[],
    );
    lw.check_name_and_schema(b);
    let provider = lw.choice(b, "provider", &PROVIDERS).unwrap_or("libc");
    let locale = lw.req_string(b, "locale", "\"en-u-kn-true\"").map(|s| s.0);
    let lc_ctype = lw.string(b, "lc_ctype").map(|s| s.0);
    let deterministic = lw.boolean(b, "deterministic").unwrap_or(true);
    let comment = lw.string(b, "comment").map(|s| s.0);
    lw.depends_on(b, addr);
    let Some(locale) = locale else { return };
    // The same locale for both categories is what Postgres records for `locale = …`.
    let lc_ctype = lc_ctype.filter(|c| provider == "libc" && *c != locale);
    lw.model.collations.insert(
        q.clone(),
        Collation {
            name: q.clone(),
            provider: provider.to_string(),
            locale,
            lc_ctype,
            deterministic,
            comment,
        },
    );
}
