//! L309 (info): several permissive policies for the same table, role and command
//! (Supabase's `0006_multiple_permissive_policies`). A policy for `all` counts for each of
//! the four commands; a policy for `public` counts for every role.
//!
//! The roles checked are the API roles and every role a permissive policy names, except
//! `service_role`, which bypasses RLS. One finding per table and role lists each command
//! concerned with its policies.

use super::{and_list, commands, policy_applies_to, quoted_list, Ctx, Rule};
use crate::model::{Address, PolicyCommand, QName};
use std::collections::BTreeSet;

pub(super) fn check(cx: &mut Ctx<'_>) {
    let tables: BTreeSet<&QName> = cx.model.policies.keys().map(|(t, _)| t).collect();
    for table in tables {
        let mut roles: Vec<String> = cx.opts.api_roles.clone();
        let named: BTreeSet<&String> = cx
            .policies_of(table)
            .filter(|p| p.permissive)
            .flat_map(|p| p.roles.iter())
            .filter(|r| !r.eq_ignore_ascii_case("public") && r.as_str() != "service_role")
            .collect();
        for r in named {
            if !roles.contains(r) {
                roles.push(r.clone());
            }
        }
        for role in &roles {
            let mut groups: Vec<String> = Vec::new();
            for cmd in [
                PolicyCommand::Select,
                PolicyCommand::Insert,
                PolicyCommand::Update,
                PolicyCommand::Delete,
            ] {
                let names: Vec<&str> = cx
                    .policies_of(table)
                    .filter(|p| {
                        p.permissive
                            && commands(p.command).contains(&cmd)
                            && policy_applies_to(p, role)
                    })
                    .map(|p| p.name.as_str())
                    .collect();
                if names.len() > 1 {
                    groups.push(format!("{} ({})", cmd.as_str(), quoted_list(&names)));
                }
            }
            if groups.is_empty() {
                continue;
            }
            let message = format!(
                "table `{table}` has several permissive policies for `{role}` on {}: Postgres \
                 evaluates each of them for every row, which slows queries as the table grows",
                and_list(&groups)
            );
            let help = "merge them into one policy per command whose expression joins the \
                        conditions with or, or narrow their roles so each role has one policy \
                        per command"
                .to_string();
            cx.report(
                Rule::L309,
                Address::Table(table.clone()),
                message,
                Some(help),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::testing::{findings, messages};
    use crate::lint::Rule;

    const NOTES: &str = r#"
table "notes" {
  column "id" { type = "uuid" }
  column "owner_id" { type = "uuid" }
  column "published" { type = "boolean" }
  primary_key = ["id"]
  rls { enabled = true }
}
policy "notes_own" {
  table   = table.notes
  command = "all"
  roles   = ["authenticated"]
  using   = "(select auth.uid()) = owner_id"
}
"#;

    #[test]
    fn fires_when_all_and_a_select_policy_overlap() {
        let hcl = format!(
            "{NOTES}\npolicy \"notes_published\" {{\n  table = table.notes\n  command = \"select\"\n  using = \"published\"\n}}\n"
        );
        let f = findings(Rule::L309, &hcl);
        assert_eq!(f.len(), 1, "{f:#?}");
        assert_eq!(f[0].address, "table.public.notes");
        assert_eq!(
            f[0].message,
            "table `public.notes` has several permissive policies for `authenticated` on \
             select (`notes_own` and `notes_published`): Postgres evaluates each of them for \
             every row, which slows queries as the table grows"
        );
    }

    #[test]
    fn several_commands_are_listed_together() {
        let hcl = format!(
            "{NOTES}\npolicy \"notes_admin\" {{\n  table = table.notes\n  roles = [\"authenticated\"]\n  using = \"false\"\n}}\n"
        );
        assert_eq!(
            messages(Rule::L309, &hcl),
            [
                "table.public.notes: table `public.notes` has several permissive policies for \
              `authenticated` on select (`notes_admin` and `notes_own`), insert (`notes_admin` \
              and `notes_own`), update (`notes_admin` and `notes_own`) and delete (`notes_admin` \
              and `notes_own`): Postgres evaluates each of them for every row, which slows \
              queries as the table grows"
            ]
        );
    }

    #[test]
    fn quiet_for_other_roles_commands_or_restrictive_policies() {
        for extra in [
            // Another role.
            "policy \"x\" {\n  table = table.notes\n  command = \"select\"\n  roles = [\"anon\"]\n  using = \"published\"\n}\n",
            // Restrictive.
            "policy \"x\" {\n  table = table.notes\n  command = \"select\"\n  roles = [\"authenticated\"]\n  using = \"published\"\n  as = \"restrictive\"\n}\n",
            // service_role bypasses RLS.
            "policy \"x\" {\n  table = table.notes\n  roles = [\"service_role\"]\n  using = \"true\"\n}\n",
        ] {
            let hcl = format!("{NOTES}\n{extra}");
            assert!(findings(Rule::L309, &hcl).is_empty(), "{extra}");
        }
    }
}
