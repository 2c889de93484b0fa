//! L306 (caution): a security definer function without a fixed `search_path`
//! (Supabase's `0011_function_search_path_mutable`), or one anon can execute
//! (`0028_anon_security_definer_function_executable`): an EXECUTE grant to anon or to
//! `public` in the desired state.
//!
//! Trigger functions are not checked for EXECUTE: Postgres refuses to call them outside a
//! trigger, so the Data API cannot reach them. Their `search_path` still matters.

use super::{Ctx, Rule};
use crate::model::{Address, GrantTarget, Security};

pub(super) fn check(cx: &mut Ctx<'_>) {
    for f in cx.model.functions.values() {
        if f.security != Security::Definer {
            continue;
        }
        let label = Ctx::label(&f.name);
        if f.search_path.is_none() {
            let message = format!(
                "security definer function `{}` runs with its owner's rights but has no fixed \
                 search_path: a caller who can create objects in a schema on the path can make \
                 it run their own functions and operators with those rights",
                f.name
            );
            let help = format!(
                "set search_path = \"\" in function \"{label}\" and schema-qualify every name \
                 its body uses (public.profiles, auth.uid())"
            );
            cx.report(Rule::L306, Address::Function(f.key()), message, Some(help));
        }
        let is_trigger = matches!(
            f.returns.trim().to_ascii_lowercase().as_str(),
            "trigger" | "event_trigger"
        );
        let grantees: Vec<&str> = cx
            .model
            .grants
            .iter()
            .filter(|g| matches!(&g.target, GrantTarget::Function(q) if *q == f.key()))
            .filter(|g| {
                g.privileges
                    .iter()
                    .any(|p| p.eq_ignore_ascii_case("EXECUTE"))
            })
            .filter(|g| Ctx::applies_to(&g.role, "anon"))
            .map(|g| g.role.as_str())
            .collect();
        if is_trigger || grantees.is_empty() {
            continue;
        }
        let through = if cx.is_exposed(&f.name.schema) {
            format!(
                "anyone with the project's anon key can call it through /rest/v1/rpc/{}",
                f.name.name
            )
        } else {
            "anon can call it".to_string()
        };
        let via = if grantees.iter().any(|g| g.eq_ignore_ascii_case("public")) {
            "granted to public, so executable by anon"
        } else {
            "executable by anon"
        };
        let message = format!(
            "security definer function `{}` is {via}: {through}, and it runs with its owner's \
             rights, bypassing row level security",
            f.name
        );
        let help = format!(
            "grant execute on function \"{label}\" only to the roles that need it \
             (authenticated, service_role), or make it security = \"invoker\""
        );
        cx.report(Rule::L306, Address::Function(f.key()), message, Some(help));
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::testing::{findings, messages};
    use crate::lint::Rule;

    fn function(attrs: &str, grant_to: &str) -> String {
        let grant = if grant_to.is_empty() {
            String::new()
        } else {
            format!(
                "grant \"g\" {{\n  on = function.is_admin\n  roles = [{grant_to}]\n  privileges = [\"execute\"]\n}}\n"
            )
        };
        format!(
            r#"
function "is_admin" {{
  returns  = "boolean"
  language = "sql"
  {attrs}
  body     = "select true"
}}
{grant}"#
        )
    }

    #[test]
    fn fires_without_search_path() {
        let f = findings(Rule::L306, &function("security = \"definer\"", ""));
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].address, "function.public.is_admin");
        assert_eq!(
            f[0].message,
            "security definer function `public.is_admin` runs with its owner's rights but has \
             no fixed search_path: a caller who can create objects in a schema on the path can \
             make it run their own functions and operators with those rights"
        );
        assert_eq!(
            f[0].help.as_deref(),
            Some(
                "set search_path = \"\" in function \"is_admin\" and schema-qualify every name \
                 its body uses (public.profiles, auth.uid())"
            )
        );
    }

    #[test]
    fn fires_when_anon_or_public_can_execute() {
        let attrs = "security = \"definer\"\n  search_path = \"\"";
        assert_eq!(
            messages(Rule::L306, &function(attrs, "\"anon\"")),
            [
                "function.public.is_admin: security definer function `public.is_admin` is \
              executable by anon: anyone with the project's anon key can call it through \
              /rest/v1/rpc/is_admin, and it runs with its owner's rights, bypassing row level \
              security"
            ]
        );
        assert_eq!(
            messages(Rule::L306, &function(attrs, "\"public\"")),
            [
                "function.public.is_admin: security definer function `public.is_admin` is \
              granted to public, so executable by anon: anyone with the project's anon key can \
              call it through /rest/v1/rpc/is_admin, and it runs with its owner's rights, \
              bypassing row level security"
            ]
        );
    }

    #[test]
    fn quiet_for_pinned_path_signed_in_callers_invokers_and_triggers() {
        let pinned = "security = \"definer\"\n  search_path = \"\"";
        assert!(findings(Rule::L306, &function(pinned, "\"authenticated\"")).is_empty());
        assert!(findings(Rule::L306, &function("", "\"anon\"")).is_empty());
        let trigger = function(pinned, "\"anon\"").replace("\"boolean\"", "\"trigger\"");
        assert!(findings(Rule::L306, &trigger).is_empty());
    }
}
