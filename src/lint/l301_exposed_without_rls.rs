//! L301 (dangerous): a table in an API-exposed schema, granted to anon or authenticated,
//! without row level security.
//!
//! Supabase's linter reports the same afterwards (`0013_rls_disabled_in_public`); here it
//! is reported before the table reaches production, and only when an API role can actually
//! reach the table (any privilege, table or column level, directly or through `public`).

use super::{and_list, Ctx, Rule};
use crate::model::Address;

pub(super) fn check(cx: &mut Ctx<'_>) {
    for t in cx.model.tables.values() {
        if t.rls.enabled || !cx.is_exposed(&t.name.schema) {
            continue;
        }
        let roles = cx.api_roles_granted(&t.name, None);
        if roles.is_empty() {
            continue;
        }
        let privs: std::collections::BTreeSet<String> = roles
            .iter()
            .flat_map(|r| cx.table_privileges(&t.name, r))
            .collect();
        let read = privs.contains("SELECT");
        let write = ["INSERT", "UPDATE", "DELETE", "TRUNCATE"]
            .iter()
            .any(|p| privs.contains(*p));
        let what = match (read, write) {
            (true, true) => "read and change every row",
            (true, false) => "read every row",
            (false, true) => "change every row",
            (false, false) => "use its privileges on every row",
        };
        let who = if roles.iter().any(|r| r == "anon") {
            "anyone with the project's anon key (it ships in every client)"
        } else {
            "every signed-in user"
        };
        let message = format!(
            "table `{}` is served by the Data API (schema `{}`) and granted to {}, but row \
             level security is off: {who} can {what}",
            t.name,
            t.name.schema,
            and_list(&roles),
        );
        let help = format!(
            "add `rls {{ enabled = true }}` to table \"{}\" and a policy for each command the \
             API roles use",
            Ctx::label(&t.name)
        );
        cx.report(
            Rule::L301,
            Address::Table(t.name.clone()),
            message,
            Some(help),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::testing::{findings, messages};
    use crate::lint::{Rule, Severity};

    const NOTES: &str = r#"
table "notes" {
  column "id" { type = "uuid" }
  column "body" { type = "text" }
  primary_key = ["id"]
}
"#;

    #[test]
    fn fires_on_an_exposed_table_granted_to_anon_without_rls() {
        let hcl = format!(
            "{NOTES}\ngrant \"notes\" {{\n  on = table.notes\n  roles = [\"anon\", \"authenticated\"]\n  privileges = [\"select\", \"insert\"]\n}}\n"
        );
        let f = findings(Rule::L301, &hcl);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].severity, Severity::Dangerous);
        assert_eq!(f[0].address, "table.public.notes");
        assert_eq!(
            f[0].message,
            "table `public.notes` is served by the Data API (schema `public`) and granted to \
             anon and authenticated, but row level security is off: anyone with the project's \
             anon key (it ships in every client) can read and change every row"
        );
        assert_eq!(
            f[0].help.as_deref(),
            Some(
                "add `rls { enabled = true }` to table \"notes\" and a policy for each command \
                 the API roles use"
            )
        );
    }

    #[test]
    fn a_column_grant_or_a_grant_to_public_counts() {
        let hcl = format!(
            "{NOTES}\ngrant \"notes\" {{\n  on = table.notes\n  roles = [\"authenticated\"]\n  privileges = [\"update\"]\n  columns = [\"body\"]\n}}\n"
        );
        assert_eq!(
            messages(Rule::L301, &hcl),
            [
                "table.public.notes: table `public.notes` is served by the Data API (schema \
              `public`) and granted to authenticated, but row level security is off: every \
              signed-in user can change every row"
            ]
        );
        let hcl = format!(
            "{NOTES}\ngrant \"notes\" {{\n  on = table.notes\n  roles = [\"public\"]\n  privileges = [\"select\"]\n}}\n"
        );
        assert_eq!(findings(Rule::L301, &hcl).len(), 1);
    }

    #[test]
    fn quiet_with_rls_without_api_grants_or_outside_exposed_schemas() {
        // RLS on.
        let hcl = format!(
            "{}\ngrant \"notes\" {{\n  on = table.notes\n  roles = [\"anon\"]\n  privileges = [\"select\"]\n}}\n",
            NOTES.replace("primary_key", "rls { enabled = true }\n  primary_key")
        );
        assert!(findings(Rule::L301, &hcl).is_empty());
        // Only service_role is granted: the Data API roles cannot reach it.
        let hcl = format!(
            "{NOTES}\ngrant \"notes\" {{\n  on = table.notes\n  roles = [\"service_role\"]\n  privileges = [\"all\"]\n}}\n"
        );
        assert!(findings(Rule::L301, &hcl).is_empty());
        // A schema PostgREST does not serve.
        let hcl = r#"
project { schemas = ["public", "private"] }
schema "private" {}
table "notes" {
  schema = "private"
  column "id" { type = "uuid" }
  primary_key = ["id"]
}
grant "notes" {
  on         = table.notes
  roles      = ["authenticated"]
  privileges = ["select"]
}
"#;
        assert!(findings(Rule::L301, hcl).is_empty());
    }
}
