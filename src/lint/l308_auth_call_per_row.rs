//! L308 (info): `auth.uid()`, `auth.jwt()`, `auth.role()`, `auth.email()` or
//! `current_setting(…)` in a policy, not wrapped in a scalar subquery, so evaluated for
//! every row (Supabase's `0003_auth_rls_initplan`).
//!
//! The check is [`sql::per_row_auth_calls`]: it reads tokens and parentheses, so it
//! accepts both `(select auth.uid())` as users write it and `( SELECT auth.uid() AS uid)`
//! as Postgres normalises it, and a call inside a correlated subquery (`exists (select 1
//! from … where x = auth.uid())`) is still reported.

use super::{and_list, sql, Ctx, Rule};
use crate::model::Address;

pub(super) fn check(cx: &mut Ctx<'_>) {
    for p in cx.model.policies.values() {
        let mut calls: Vec<String> = Vec::new();
        for e in [&p.using, &p.check].into_iter().flatten() {
            for c in sql::per_row_auth_calls(e) {
                if !calls.contains(&c) {
                    calls.push(c);
                }
            }
        }
        if calls.is_empty() {
            continue;
        }
        let message = format!(
            "policy `{}` on table `{}` calls {} for every row it checks: on a large table \
             this makes queries many times slower",
            p.name,
            p.table,
            and_list(&calls),
        );
        let example = calls[0].replace("current_setting()", "current_setting(…)");
        let help = format!(
            "wrap each call in a scalar subquery, `(select {example})` instead of \
             `{example}`, so Postgres evaluates it once per statement"
        );
        cx.report(
            Rule::L308,
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

    fn policy(using: &str, check: &str) -> String {
        format!(
            r#"
table "notes" {{
  column "id" {{ type = "uuid" }}
  column "owner_id" {{ type = "uuid" }}
  primary_key = ["id"]
  rls {{ enabled = true }}
}}
policy "notes_own" {{
  table = table.notes
  roles = ["authenticated"]
  using = "{using}"
  check = "{check}"
}}
"#
        )
    }

    #[test]
    fn fires_on_bare_calls() {
        let f = findings(
            Rule::L308,
            &policy(
                "auth.uid() = owner_id",
                "auth.uid() = owner_id and (select auth.jwt() ->> 'aal') = 'aal2' and current_setting('app.x', true) = 'y'",
            ),
        );
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].address, "policy.public.notes.notes_own");
        assert_eq!(
            f[0].message,
            "policy `notes_own` on table `public.notes` calls auth.uid() and current_setting() \
             for every row it checks: on a large table this makes queries many times slower"
        );
        assert_eq!(
            f[0].help.as_deref(),
            Some(
                "wrap each call in a scalar subquery, `(select auth.uid())` instead of \
                 `auth.uid()`, so Postgres evaluates it once per statement"
            )
        );
    }

    #[test]
    fn quiet_when_wrapped_raw_or_normalised() {
        for (using, check) in [
            (
                "(select auth.uid()) = owner_id",
                "(SELECT auth.uid()) = owner_id",
            ),
            (
                "(( SELECT auth.uid() AS uid) = owner_id)",
                "(( SELECT auth.uid() AS uid) = owner_id)",
            ),
            ("owner_id::text = 'auth.uid()'", "true"),
        ] {
            assert!(
                findings(Rule::L308, &policy(using, check)).is_empty(),
                "{using} / {check}"
            );
        }
    }
}
