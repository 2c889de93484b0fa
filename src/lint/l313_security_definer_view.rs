//! L313 (caution): a view anon or authenticated can read (a SELECT grant, table or
//! column level, directly or through `public`) that runs with its owner's rights because
//! `security_invoker` is not set (Supabase's `0010_security_definer_view`), and a
//! materialized view they can read, whose stored rows no policy filters (Supabase's
//! `0016_materialized_view_in_api`).

use super::{and_list, Ctx, Rule};
use crate::model::Address;

pub(super) fn check(cx: &mut Ctx<'_>) {
    for v in cx.model.views.values() {
        if v.security_invoker {
            continue;
        }
        let roles = cx.api_roles_granted(&v.name, Some("SELECT"));
        if roles.is_empty() {
            continue;
        }
        if v.materialized {
            let message = format!(
                "materialized view `{}` is readable by {}: its rows are stored when it is refreshed, and no row level security applies to them, so {} {} every row",
                v.name,
                and_list(&roles),
                and_list(&roles),
                if roles.len() == 1 { "sees" } else { "see" },
            );
            let help = format!(
                "revoke select on materialized view \"{}\" from the API roles (keep it for service_role), or move it to a schema the Data API does not expose",
                Ctx::label(&v.name)
            );
            cx.report(
                Rule::L313,
                Address::View(v.name.clone()),
                message,
                Some(help),
            );
            continue;
        }
        let message = format!(
            "view `{}` is readable by {} and runs with its owner's rights (no \
             security_invoker): it bypasses the row level security of the tables it reads, \
             so {} {} every row of those tables",
            v.name,
            and_list(&roles),
            and_list(&roles),
            if roles.len() == 1 { "sees" } else { "see" },
        );
        let help = format!(
            "set security_invoker = true in view \"{}\", so the policies of its tables apply to \
             whoever reads it",
            Ctx::label(&v.name)
        );
        cx.report(
            Rule::L313,
            Address::View(v.name.clone()),
            message,
            Some(help),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::testing::findings;
    use crate::lint::Rule;

    fn view(invoker: bool, roles: &str, privileges: &str) -> String {
        format!(
            r#"
table "notes" {{
  column "id" {{ type = "uuid" }}
  primary_key = ["id"]
  rls {{ enabled = true }}
}}
view "recent_notes" {{
  query            = "select id from public.notes"
  security_invoker = {invoker}
}}
grant "recent_notes" {{
  on         = view.recent_notes
  roles      = [{roles}]
  privileges = [{privileges}]
}}
"#
        )
    }

    #[test]
    fn fires_on_a_readable_definer_view() {
        let f = findings(
            Rule::L313,
            &view(false, "\"anon\", \"authenticated\"", "\"select\""),
        );
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].address, "view.public.recent_notes");
        assert_eq!(
            f[0].message,
            "view `public.recent_notes` is readable by anon and authenticated and runs with its \
             owner's rights (no security_invoker): it bypasses the row level security of the \
             tables it reads, so anon and authenticated see every row of those tables"
        );
        assert_eq!(
            f[0].help.as_deref(),
            Some(
                "set security_invoker = true in view \"recent_notes\", so the policies of its \
                 tables apply to whoever reads it"
            )
        );
    }

    #[test]
    fn quiet_with_security_invoker_or_without_select_for_api_roles() {
        assert!(findings(Rule::L313, &view(true, "\"anon\"", "\"select\"")).is_empty());
        assert!(findings(Rule::L313, &view(false, "\"service_role\"", "\"select\"")).is_empty());
        assert!(findings(Rule::L313, &view(false, "\"authenticated\"", "\"insert\"")).is_empty());
    }

    #[test]
    fn fires_on_a_materialized_view_the_api_roles_read() {
        let hcl = r#"
table "notes" {
  column "id" { type = "uuid" }
  primary_key = ["id"]
  rls { enabled = true }
}
view "note_counts" {
  materialized = true
  query        = "select count(*) as n from public.notes"
}
grant "note_counts" {
  on         = view.note_counts
  roles      = ["anon"]
  privileges = ["select"]
}
"#;
        let f = findings(Rule::L313, hcl);
        assert_eq!(f.len(), 1);
        assert_eq!(
            f[0].message,
            "materialized view `public.note_counts` is readable by anon: its rows are stored when it is refreshed, and no row level security applies to them, so anon sees every row"
        );
    }
}
