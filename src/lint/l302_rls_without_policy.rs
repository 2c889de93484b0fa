//! L302 (caution): row level security is on but the table has no policy at all, while
//! an API role is granted it: every request by that role is denied.
//!
//! A table with RLS on, no policy and no grant to an API role is the deliberate
//! "service_role only" pattern and is not reported: in supaform's desired state grants are
//! explicit, so an ungranted table is unreachable through the API by design.

use super::{and_list, Ctx, Rule};
use crate::model::Address;

pub(super) fn check(cx: &mut Ctx<'_>) {
    for t in cx.model.tables.values() {
        if !t.rls.enabled || cx.policies_of(&t.name).next().is_some() {
            continue;
        }
        let roles = cx.api_roles_granted(&t.name, None);
        if roles.is_empty() {
            continue;
        }
        let message = format!(
            "row level security is on for table `{}` but it has no policy: every request by \
             {} is denied (selects return no rows, inserts, updates and deletes fail or \
             touch nothing) although {} granted the table",
            t.name,
            and_list(&roles),
            if roles.len() == 1 {
                "it is"
            } else {
                "they are"
            },
        );
        let help = format!(
            "add a policy block with table = table.{} for each command {} {}, or remove \
             the grants if only service_role should reach the table",
            Ctx::label(&t.name),
            and_list(&roles),
            if roles.len() == 1 { "uses" } else { "use" },
        );
        cx.report(
            Rule::L302,
            Address::Table(t.name.clone()),
            message,
            Some(help),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::testing::{findings, messages};
    use crate::lint::Rule;

    const NOTES: &str = r#"
table "notes" {
  column "id" { type = "uuid" }
  primary_key = ["id"]
  rls { enabled = true }
}
"#;

    #[test]
    fn fires_when_granted_with_rls_and_no_policy() {
        let hcl = format!(
            "{NOTES}\ngrant \"notes\" {{\n  on = table.notes\n  roles = [\"authenticated\"]\n  privileges = [\"select\", \"insert\"]\n}}\n"
        );
        let f = findings(Rule::L302, &hcl);
        assert_eq!(
            f[0].message,
            "row level security is on for table `public.notes` but it has no policy: every \
             request by authenticated is denied (selects return no rows, inserts, updates and \
             deletes fail or touch nothing) although it is granted the table"
        );
        assert_eq!(
            f[0].help.as_deref(),
            Some(
                "add a policy block with table = table.notes for each command authenticated \
                 uses, or remove the grants if only service_role should reach the table"
            )
        );
        assert_eq!(f.len(), 1);
    }

    #[test]
    fn quiet_with_a_policy_or_without_api_grants() {
        let hcl = format!(
            "{NOTES}\ngrant \"notes\" {{\n  on = table.notes\n  roles = [\"authenticated\"]\n  privileges = [\"select\"]\n}}\npolicy \"p\" {{\n  table = table.notes\n  command = \"select\"\n  roles = [\"authenticated\"]\n  using = \"true\"\n}}\n"
        );
        assert!(messages(Rule::L302, &hcl).is_empty());
        // service_role only: deliberate.
        let hcl = format!(
            "{NOTES}\ngrant \"notes\" {{\n  on = table.notes\n  roles = [\"service_role\"]\n  privileges = [\"all\"]\n}}\n"
        );
        assert!(messages(Rule::L302, &hcl).is_empty());
    }
}
