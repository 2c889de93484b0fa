//! L307 (caution): a policy reads Supabase Auth's `user_metadata`, which users edit
//! themselves (Supabase's `0015_rls_references_user_metadata`).
//!
//! Detected with the tokenizer ([`sql::reads_user_metadata`]): the `raw_user_meta_data`
//! column of `auth.users`, or a `user_metadata` key in an expression that reads the JWT.
//! A column of the user's own tables that happens to be called `user_metadata` is not
//! reported unless the expression also reads the JWT.

use super::{sql, Rule};
use crate::model::Address;

pub(super) fn check(cx: &mut super::Ctx<'_>) {
    for p in cx.model.policies.values() {
        let clauses: Vec<&str> = [("USING", &p.using), ("WITH CHECK", &p.check)]
            .into_iter()
            .filter(|(_, e)| e.as_deref().is_some_and(sql::reads_user_metadata))
            .map(|(c, _)| c)
            .collect();
        if clauses.is_empty() {
            continue;
        }
        let message = format!(
            "policy `{}` on table `{}` reads user_metadata in its {}: every user can set \
             their own user_metadata with supabase.auth.updateUser(), so they can write \
             whatever the policy checks and grant themselves access",
            p.name,
            p.table,
            clauses.join(" and "),
        );
        let help = "check app_metadata instead (auth.jwt() -> 'app_metadata'), which only the \
                    server can write, or a table of your own that users cannot change"
            .to_string();
        cx.report(
            Rule::L307,
            Address::Policy(p.table.clone(), p.name.clone()),
            message,
            Some(help),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::testing::findings;
    use crate::lint::Rule;

    fn policy(using: &str) -> String {
        format!(
            r#"
table "reports" {{
  column "id" {{ type = "uuid" }}
  primary_key = ["id"]
  rls {{ enabled = true }}
}}
policy "admins_read" {{
  table   = table.reports
  command = "select"
  roles   = ["authenticated"]
  using   = "{using}"
}}
"#
        )
    }

    #[test]
    fn fires_on_a_user_metadata_role_check() {
        let f = findings(
            Rule::L307,
            &policy("(select auth.jwt() -> 'user_metadata' ->> 'role') = 'admin'"),
        );
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].address, "policy.public.reports.admins_read");
        assert_eq!(
            f[0].message,
            "policy `admins_read` on table `public.reports` reads user_metadata in its USING: \
             every user can set their own user_metadata with supabase.auth.updateUser(), so \
             they can write whatever the policy checks and grant themselves access"
        );
        assert_eq!(
            f[0].help.as_deref(),
            Some(
                "check app_metadata instead (auth.jwt() -> 'app_metadata'), which only the \
                 server can write, or a table of your own that users cannot change"
            )
        );
        // The auth.users column read directly.
        let f = findings(
            Rule::L307,
            &policy(
                "exists (select 1 from auth.users u where u.id = (select auth.uid()) and u.raw_user_meta_data ->> 'admin' = 'true')",
            ),
        );
        assert_eq!(f.len(), 1);
    }

    #[test]
    fn quiet_on_app_metadata_and_unrelated_mentions() {
        for using in [
            "(select auth.jwt() -> 'app_metadata' ->> 'role') = 'admin'",
            "user_metadata ->> 'theme' = 'dark'",
            "(select auth.uid()) = id -- user_metadata is not used",
        ] {
            assert!(findings(Rule::L307, &policy(using)).is_empty(), "{using}");
        }
    }
}
