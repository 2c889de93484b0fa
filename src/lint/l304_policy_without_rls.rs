//! L304 (caution): a table has policies but row level security is off, so Postgres
//! ignores them (Supabase's `0007_policy_exists_rls_disabled`).
//!
//! Only tables declared in the model are checked: a policy on a platform table such as
//! `storage.objects` relies on the platform's RLS setting, which the config does not hold.

use super::{quoted_list, Ctx, Rule};
use crate::model::Address;

pub(super) fn check(cx: &mut Ctx<'_>) {
    for t in cx.model.tables.values() {
        if t.rls.enabled {
            continue;
        }
        let names: Vec<&str> = cx.policies_of(&t.name).map(|p| p.name.as_str()).collect();
        if names.is_empty() {
            continue;
        }
        let message = format!(
            "table `{}` has {} {} but row level security is off: Postgres ignores {}, and \
             every role granted the table reads and changes every row",
            t.name,
            if names.len() == 1 {
                "policy"
            } else {
                "policies"
            },
            quoted_list(&names),
            if names.len() == 1 { "it" } else { "them" },
        );
        let help = format!(
            "add `rls {{ enabled = true }}` to table \"{}\", or remove the {} if the table is \
             meant to be open",
            Ctx::label(&t.name),
            if names.len() == 1 {
                "policy"
            } else {
                "policies"
            },
        );
        cx.report(
            Rule::L304,
            Address::Table(t.name.clone()),
            message,
            Some(help),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::testing::findings;
    use crate::lint::Rule;

    const NOTES: &str = r#"
table "notes" {
  column "id" { type = "uuid" }
  primary_key = ["id"]
  RLS
}
policy "notes_read" {
  table   = table.notes
  command = "select"
  roles   = ["authenticated"]
  using   = "true"
}
policy "notes_write" {
  table   = table.notes
  command = "insert"
  roles   = ["authenticated"]
  check   = "true"
}
"#;

    #[test]
    fn fires_when_policies_exist_and_rls_is_off() {
        let f = findings(Rule::L304, &NOTES.replace("RLS", ""));
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].address, "table.public.notes");
        assert_eq!(
            f[0].message,
            "table `public.notes` has policies `notes_read` and `notes_write` but row level \
             security is off: Postgres ignores them, and every role granted the table reads \
             and changes every row"
        );
        assert_eq!(
            f[0].help.as_deref(),
            Some(
                "add `rls { enabled = true }` to table \"notes\", or remove the policies if the \
                 table is meant to be open"
            )
        );
    }

    #[test]
    fn quiet_with_rls_on_or_on_platform_tables() {
        assert!(findings(Rule::L304, &NOTES.replace("RLS", "rls { enabled = true }")).is_empty());
        let hcl = r#"
policy "avatars_read" {
  table   = "storage.objects"
  command = "select"
  roles   = ["authenticated"]
  using   = "bucket_id = 'avatars'"
}
"#;
        assert!(findings(Rule::L304, hcl).is_empty());
    }
}
