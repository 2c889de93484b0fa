//! L305 (caution): a permissive policy for insert, update, delete or all, applying to anon
//! or authenticated (or `public`), whose USING or WITH CHECK is always true (`true`,
//! `(true)`, `1 = 1`, …; see [`sql::is_always_true`]).
//!
//! Like Supabase's `0024_rls_policy_always_true`, select policies are left alone: `using =
//! "true"` for reading is the usual way to publish a table. Unlike it, a missing
//! expression is not taken as true: Postgres 15 denies every row to a permissive policy
//! without USING or WITH CHECK. For update and all, a missing WITH CHECK means USING
//! is used for it.

use super::{and_list, sql, Ctx, Rule};
use crate::model::{Address, PolicyCommand};

pub(super) fn check(cx: &mut Ctx<'_>) {
    for p in cx.model.policies.values() {
        if !p.permissive || p.command == PolicyCommand::Select {
            continue;
        }
        let roles: Vec<String> = p
            .roles
            .iter()
            .filter(|r| r.eq_ignore_ascii_case("public") || cx.opts.api_roles.contains(r))
            .cloned()
            .collect();
        if roles.is_empty() {
            continue;
        }
        let using_true = p.using.as_deref().is_some_and(sql::is_always_true);
        let check_true = match &p.check {
            Some(c) => sql::is_always_true(c),
            None => using_true,
        };
        let (verbs, clause): (&[&str], _) = match (p.command, using_true, check_true) {
            (PolicyCommand::Insert, _, true) => (&["insert"], "its WITH CHECK is"),
            (PolicyCommand::Update, true, true) => (&["update"], "its USING and WITH CHECK are"),
            (PolicyCommand::Update, true, false) => (&["update"], "its USING is"),
            (PolicyCommand::Update, false, true) => (&["update"], "its WITH CHECK is"),
            (PolicyCommand::Delete, true, _) => (&["delete"], "its USING is"),
            (PolicyCommand::All, true, true) => (
                &["insert", "update", "delete"],
                "its USING and WITH CHECK are",
            ),
            (PolicyCommand::All, true, false) => (&["update", "delete"], "its USING is"),
            (PolicyCommand::All, false, true) => (&["insert", "update"], "its WITH CHECK is"),
            _ => continue,
        };
        let who = if roles.iter().any(|r| r.eq_ignore_ascii_case("public")) {
            "every role (public), anon included,".to_string()
        } else {
            and_list(&roles)
        };
        let message = format!(
            "policy `{}` on table `{}` lets {who} {} any row: {clause} always true, so row \
             level security does not restrict these writes",
            p.name,
            p.table,
            and_list(verbs),
        );
        let help = "replace the always-true expression with a condition that ties the row to \
                    the user, such as \"(select auth.uid()) = user_id\"; writes meant only for \
                    the server need no policy (service_role bypasses RLS)"
            .to_string();
        cx.report(
            Rule::L305,
            Address::Policy(p.table.clone(), p.name.clone()),
            message,
            Some(help),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::testing::{findings, messages};
    use crate::lint::Rule;

    fn policy(body: &str) -> String {
        format!(
            r#"
table "notes" {{
  column "id" {{ type = "uuid" }}
  column "owner_id" {{ type = "uuid" }}
  primary_key = ["id"]
  rls {{ enabled = true }}
}}
policy "p" {{
  table = table.notes
  {body}
}}
"#
        )
    }

    #[test]
    fn fires_on_an_insert_policy_checking_true() {
        let f = findings(
            Rule::L305,
            &policy("command = \"insert\"\n  roles = [\"anon\"]\n  check = \"(true)\""),
        );
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].address, "policy.public.notes.p");
        assert_eq!(
            f[0].message,
            "policy `p` on table `public.notes` lets anon insert any row: its WITH CHECK is \
             always true, so row level security does not restrict these writes"
        );
    }

    #[test]
    fn using_true_on_all_serves_as_check_too() {
        assert_eq!(
            messages(Rule::L305, &policy("using = \"1 = 1\"")),
            [
                "policy.public.notes.p: policy `p` on table `public.notes` lets every role \
              (public), anon included, insert, update and delete any row: its USING and WITH \
              CHECK are always true, so row level security does not restrict these writes"
            ]
        );
        assert_eq!(
            messages(
                Rule::L305,
                &policy(
                    "command = \"update\"\n  roles = [\"authenticated\"]\n  using = \"true\"\n  check = \"(select auth.uid()) = owner_id\""
                )
            ),
            ["policy.public.notes.p: policy `p` on table `public.notes` lets authenticated \
              update any row: its USING is always true, so row level security does not \
              restrict these writes"]
        );
    }

    #[test]
    fn quiet_on_select_restrictive_server_roles_and_real_conditions() {
        for body in [
            "command = \"select\"\n  roles = [\"anon\"]\n  using = \"true\"",
            "command = \"delete\"\n  roles = [\"authenticated\"]\n  using = \"true\"\n  as = \"restrictive\"",
            "command = \"insert\"\n  roles = [\"service_role\"]\n  check = \"true\"",
            "command = \"insert\"\n  roles = [\"authenticated\"]\n  check = \"(select auth.uid()) = owner_id\"",
            "command = \"delete\"\n  roles = [\"authenticated\"]\n  using = \"'true' = owner_id::text\"",
        ] {
            assert!(
                findings(Rule::L305, &policy(body)).is_empty(),
                "fired on {body}"
            );
        }
    }

    #[test]
    fn a_policy_without_expressions_is_not_always_true() {
        // The config refuses such a policy, but a live database may hold one: Postgres 15
        // denies every row to it (checked with psql), so it is not reported.
        let mut m = crate::lint::testing::model(&policy(
            "command = \"insert\"\n  roles = [\"anon\"]\n  check = \"true\"",
        ));
        for p in m.policies.values_mut() {
            p.check = None;
        }
        assert!(crate::lint::lint(&m, &Default::default())
            .iter()
            .all(|f| f.rule != Rule::L305));
    }
}
