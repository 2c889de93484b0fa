//! L303 (caution): an API role is granted a command on a table with row level security,
//! but no permissive policy allows that command for the role.
//!
//! Policies for `public` apply to every role and a policy for `all` covers the four
//! commands. Restrictive policies only narrow what permissive ones allow, so they do not
//! count. Tables with RLS on and no policy at all are L302's.
//!
//! When the missing command is select while update or delete are allowed, the message says
//! so too: Postgres applies the select policies to the rows an update or delete reads
//! through its WHERE, so those writes match nothing either.

use super::{and_list, commands, or_list, policy_applies_to, Ctx, Rule};
use crate::model::{Address, PolicyCommand};

const COMMANDS: [(PolicyCommand, &str, &str); 4] = [
    (
        PolicyCommand::Select,
        "SELECT",
        "its selects return no rows",
    ),
    (
        PolicyCommand::Insert,
        "INSERT",
        "its inserts fail with \"new row violates row-level security policy\"",
    ),
    (
        PolicyCommand::Update,
        "UPDATE",
        "its updates change nothing",
    ),
    (
        PolicyCommand::Delete,
        "DELETE",
        "its deletes remove nothing",
    ),
];

pub(super) fn check(cx: &mut Ctx<'_>) {
    for t in cx.model.tables.values() {
        if !t.rls.enabled || cx.policies_of(&t.name).next().is_none() {
            continue;
        }
        for role in &cx.opts.api_roles {
            let granted = cx.table_privileges(&t.name, role);
            let allows = |cmd: PolicyCommand| {
                cx.policies_of(&t.name).any(|p| {
                    p.permissive && commands(p.command).contains(&cmd) && policy_applies_to(p, role)
                })
            };
            let mut missing: Vec<(&str, String)> = Vec::new();
            for (cmd, privilege, effect) in COMMANDS {
                if granted.contains(privilege) && !allows(cmd) {
                    missing.push((cmd.as_str(), effect.to_string()));
                }
            }
            if missing.is_empty() {
                continue;
            }
            // Postgres applies the select policies to the rows an update or delete reads
            // (its WHERE): without one, the writes a policy allows still match nothing.
            let blind: Vec<&str> = [
                (PolicyCommand::Update, "UPDATE", "updates"),
                (PolicyCommand::Delete, "DELETE", "deletes"),
            ]
            .into_iter()
            .filter(|(cmd, privilege, _)| granted.contains(*privilege) && allows(*cmd))
            .map(|(_, _, noun)| noun)
            .collect();
            if missing[0].0 == "select" && !blind.is_empty() {
                missing[0].1 = format!(
                    "its selects return no rows, and its {} that filter rows (as every Data API \
                     request does) match nothing, since Postgres applies select policies to the \
                     rows they read",
                    and_list(&blind)
                );
            }
            let names: Vec<&str> = missing.iter().map(|m| m.0).collect();
            let effects: Vec<&str> = missing.iter().map(|m| m.1.as_str()).collect();
            let message = format!(
                "`{role}` is granted {} on table `{}`, but no permissive policy allows {} for \
                 it: with row level security on, {}",
                and_list(&names),
                t.name,
                or_list(&names),
                and_list(&effects),
            );
            let help = format!(
                "add a policy with table = table.{}, command = \"{}\" and roles = [\"{role}\"]{}, \
                 or remove {} from the grant",
                Ctx::label(&t.name),
                names[0],
                if names.len() > 1 {
                    " (one per command)"
                } else {
                    ""
                },
                and_list(&names),
            );
            cx.report(
                Rule::L303,
                Address::Table(t.name.clone()),
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
  primary_key = ["id"]
  rls { enabled = true }
}
policy "notes_select_own" {
  table   = table.notes
  command = "select"
  roles   = ["authenticated"]
  using   = "(select auth.uid()) = owner_id"
}
"#;

    #[test]
    fn fires_for_granted_commands_no_policy_allows() {
        let hcl = format!(
            "{NOTES}\ngrant \"notes\" {{\n  on = table.notes\n  roles = [\"authenticated\"]\n  privileges = [\"select\", \"insert\", \"delete\"]\n}}\n"
        );
        let f = findings(Rule::L303, &hcl);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].address, "table.public.notes");
        assert_eq!(
            f[0].message,
            "`authenticated` is granted insert and delete on table `public.notes`, but no \
             permissive policy allows insert or delete for it: with row level security on, its \
             inserts fail with \"new row violates row-level security policy\" and its deletes \
             remove nothing"
        );
        assert_eq!(
            f[0].help.as_deref(),
            Some(
                "add a policy with table = table.notes, command = \"insert\" and roles = \
                 [\"authenticated\"] (one per command), or remove insert and delete from the grant"
            )
        );
    }

    #[test]
    fn anon_granted_select_with_policies_only_for_authenticated() {
        let hcl = format!(
            "{NOTES}\ngrant \"notes\" {{\n  on = table.notes\n  roles = [\"anon\"]\n  privileges = [\"select\"]\n}}\n"
        );
        assert_eq!(
            messages(Rule::L303, &hcl),
            [
                "table.public.notes: `anon` is granted select on table `public.notes`, but no \
              permissive policy allows select for it: with row level security on, its selects \
              return no rows"
            ]
        );
    }

    #[test]
    fn an_update_policy_without_a_select_policy_matches_no_rows() {
        // Checked with psql on Postgres 15: `update t set … where id = 1` updates 0 rows
        // when only an update policy exists.
        let hcl = NOTES.replace("\"select\"", "\"update\"")
            + "\ngrant \"notes\" {\n  on = table.notes\n  roles = [\"authenticated\"]\n  privileges = [\"select\", \"update\"]\n}\n";
        assert_eq!(
            messages(Rule::L303, &hcl),
            ["table.public.notes: `authenticated` is granted select on table `public.notes`, but \
              no permissive policy allows select for it: with row level security on, its \
              selects return no rows, and its updates that filter rows (as every Data API \
              request does) match nothing, since Postgres applies select policies to the rows \
              they read"]
        );
    }

    #[test]
    fn all_and_public_policies_cover_the_commands() {
        let hcl = format!(
            "{NOTES}\ngrant \"notes\" {{\n  on = table.notes\n  roles = [\"authenticated\", \"anon\"]\n  privileges = [\"select\", \"insert\", \"update\", \"delete\"]\n}}\npolicy \"own\" {{\n  table = table.notes\n  command = \"all\"\n  using = \"(select auth.uid()) = owner_id\"\n}}\n"
        );
        assert!(findings(Rule::L303, &hcl).is_empty());
    }

    #[test]
    fn a_restrictive_policy_allows_nothing() {
        let hcl = format!(
            "{NOTES}\ngrant \"notes\" {{\n  on = table.notes\n  roles = [\"authenticated\"]\n  privileges = [\"update\"]\n}}\npolicy \"r\" {{\n  table = table.notes\n  command = \"update\"\n  roles = [\"authenticated\"]\n  using = \"true\"\n  as = \"restrictive\"\n}}\n"
        );
        assert_eq!(findings(Rule::L303, &hcl).len(), 1);
    }
}
