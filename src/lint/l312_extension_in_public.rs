//! L312 (info): an extension installed in the `public` schema (Supabase's
//! `0014_extension_in_public`).

use super::{Ctx, Rule};
use crate::model::Address;

pub(super) fn check(cx: &mut Ctx<'_>) {
    for (label, e) in &cx.model.extensions {
        if e.schema != "public" {
            continue;
        }
        let message = format!(
            "extension `{}` is installed in schema `public`: its functions, types and tables \
             land among the application's objects, where the Data API serves them",
            e.name
        );
        let help = format!(
            "set schema = \"extensions\" in extension \"{label}\" (the default), or remove the \
             schema attribute"
        );
        cx.report(
            Rule::L312,
            Address::Extension(label.clone()),
            message,
            Some(help),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::testing::findings;
    use crate::lint::Rule;

    #[test]
    fn fires_on_an_extension_in_public() {
        let f = findings(Rule::L312, "extension \"pg_trgm\" { schema = \"public\" }");
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].address, "extension.pg_trgm");
        assert_eq!(
            f[0].message,
            "extension `pg_trgm` is installed in schema `public`: its functions, types and \
             tables land among the application's objects, where the Data API serves them"
        );
        assert_eq!(
            f[0].help.as_deref(),
            Some(
                "set schema = \"extensions\" in extension \"pg_trgm\" (the default), or remove \
                 the schema attribute"
            )
        );
    }

    #[test]
    fn quiet_in_the_extensions_schema() {
        assert!(findings(Rule::L312, "extension \"pg_trgm\" {}").is_empty());
        assert!(findings(
            Rule::L312,
            "extension \"pg_trgm\" { schema = \"extensions\" }"
        )
        .is_empty());
    }
}
