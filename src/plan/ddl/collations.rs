//! SQL of collations.

use crate::model::{Collation, QName};
use crate::quote::literal;

/// `CREATE COLLATION s.n (provider = …, locale = '…' [, deterministic = false])`; a libc
/// collation whose `LC_CTYPE` differs names both categories.
pub fn create_collation(c: &Collation) -> String {
    let mut opts = vec![format!("provider = {}", literal(&c.provider))];
    match &c.lc_ctype {
        Some(ctype) => {
            opts.push(format!("lc_collate = {}", literal(&c.locale)));
            opts.push(format!("lc_ctype = {}", literal(ctype)));
        }
        None => opts.push(format!("locale = {}", literal(&c.locale))),
    }
    if !c.deterministic {
        opts.push("deterministic = false".into());
    }
    format!("CREATE COLLATION {} ({})", c.name.sql(), opts.join(", "))
}

pub fn drop_collation(q: &QName) -> String {
    format!("DROP COLLATION {}", q.sql())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collations_are_created_with_their_provider_and_locale() {
        let mut c = Collation {
            name: QName::new("public", "numeric"),
            provider: "icu".into(),
            locale: "en-u-kn-true".into(),
            lc_ctype: None,
            deterministic: false,
            comment: None,
        };
        assert_eq!(
            create_collation(&c),
            "CREATE COLLATION \"public\".\"numeric\" (provider = 'icu', locale = 'en-u-kn-true', deterministic = false)"
        );
        c.provider = "libc".into();
        c.locale = "C".into();
        c.lc_ctype = Some("it's".into());
        c.deterministic = true;
        assert_eq!(
            create_collation(&c),
            "CREATE COLLATION \"public\".\"numeric\" (provider = 'libc', lc_collate = 'C', lc_ctype = 'it''s')"
        );
    }
}
