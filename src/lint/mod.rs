//! Findings: checks on the desired state itself (the L3xx rules of `docs/rules.md`).
//!
//! The planner reports them beside the plan steps, before anything reaches production.
//! Every rule is a pure function of a [`Model`] and the [`LintOptions`]: no I/O, no
//! database. One file per rule, each with its own tests; [`Rule`] is the closed list.
//!
//! SQL text in the model (policy expressions, index expressions) is examined with the small
//! tokenizer of [`sql`], so string literals, quoted identifiers and comments never confuse
//! a rule, and both the text users write and the form Postgres normalises it to are read
//! the same way.

mod l301_exposed_without_rls;
mod l302_rls_without_policy;
mod l303_granted_command_without_policy;
mod l304_policy_without_rls;
mod l305_always_true_policy;
mod l306_security_definer_function;
mod l307_user_metadata_in_policy;
mod l308_auth_call_per_row;
mod l309_multiple_permissive_policies;
mod l310_unindexed_foreign_key;
mod l311_duplicate_index;
mod l312_extension_in_public;
mod l313_security_definer_view;
pub mod sql;

use crate::model::{GrantTarget, Model, Policy, PolicyCommand, QName};
use std::collections::BTreeSet;
use std::fmt;

/// How much a finding matters. Ordered: `Info < Caution < Dangerous`.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    serde::Serialize,
    serde::Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Caution,
    Dangerous,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Caution => "caution",
            Severity::Dangerous => "dangerous",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Every finding rule. Serialised as its code (`"L301"`).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    serde::Serialize,
    serde::Deserialize,
    schemars::JsonSchema,
)]
pub enum Rule {
    L301,
    L302,
    L303,
    L304,
    L305,
    L306,
    L307,
    L308,
    L309,
    L310,
    L311,
    L312,
    L313,
}

impl Rule {
    /// Every rule, in code order.
    pub const ALL: [Rule; 13] = [
        Rule::L301,
        Rule::L302,
        Rule::L303,
        Rule::L304,
        Rule::L305,
        Rule::L306,
        Rule::L307,
        Rule::L308,
        Rule::L309,
        Rule::L310,
        Rule::L311,
        Rule::L312,
        Rule::L313,
    ];

    /// The rule's code, e.g. `L301`.
    pub fn code(self) -> &'static str {
        match self {
            Rule::L301 => "L301",
            Rule::L302 => "L302",
            Rule::L303 => "L303",
            Rule::L304 => "L304",
            Rule::L305 => "L305",
            Rule::L306 => "L306",
            Rule::L307 => "L307",
            Rule::L308 => "L308",
            Rule::L309 => "L309",
            Rule::L310 => "L310",
            Rule::L311 => "L311",
            Rule::L312 => "L312",
            Rule::L313 => "L313",
        }
    }

    pub fn severity(self) -> Severity {
        match self {
            Rule::L301 => Severity::Dangerous,
            Rule::L302
            | Rule::L303
            | Rule::L304
            | Rule::L305
            | Rule::L306
            | Rule::L307
            | Rule::L313 => Severity::Caution,
            Rule::L308 | Rule::L309 | Rule::L310 | Rule::L311 | Rule::L312 => Severity::Info,
        }
    }

    /// One line: what the rule finds.
    pub fn title(self) -> &'static str {
        match self {
            Rule::L301 => {
                "table in an API-exposed schema, granted to anon/authenticated, without RLS"
            }
            Rule::L302 => "RLS enabled but no policy: every API request is denied",
            Rule::L303 => "a role is granted a command that no policy allows",
            Rule::L304 => "policy exists but RLS is disabled: the policy does nothing",
            Rule::L305 => "permissive always-true policy for writes by anon or authenticated",
            Rule::L306 => {
                "security definer function without a fixed search_path, or executable by anon"
            }
            Rule::L307 => "policy reads user_metadata, which the user can edit",
            Rule::L308 => {
                "auth function in a policy not wrapped in (select ...): evaluated per row"
            }
            Rule::L309 => "several permissive policies for one role and command",
            Rule::L310 => "foreign key without a covering index, or table without a primary key",
            Rule::L311 => "duplicate index",
            Rule::L312 => "extension installed in public",
            Rule::L313 => "view readable by anon/authenticated that runs with its owner's rights",
        }
    }

    /// Why the rule exists and what goes wrong in production (a paragraph).
    pub fn docs(self) -> &'static str {
        match self {
            Rule::L301 => {
                "The Data API (PostgREST) serves every table of the exposed schemas to \
                 whoever holds the project's anon key, which ships in every client. Without \
                 row level security the table's grants are the only check: anon or any \
                 signed-in user can read or change every row they are granted."
            }
            Rule::L302 => {
                "With RLS on and no policy, Postgres denies every row to every role except \
                 the owner and roles that bypass RLS: selects return nothing and writes fail, \
                 although the role is granted the table."
            }
            Rule::L303 => {
                "A grant lets a role run a command, but with RLS on a permissive policy must \
                 also allow it. Without one, selects return no rows, updates and deletes touch \
                 nothing and inserts fail with \"new row violates row-level security policy\": \
                 the classic \"data not saving\" bug."
            }
            Rule::L304 => {
                "Policies are only enforced while row level security is enabled on their \
                 table. With RLS off the policies give a false sense of protection: every \
                 granted role sees and changes every row."
            }
            Rule::L305 => {
                "A permissive policy whose USING or WITH CHECK is always true lets the role \
                 write any row, which is the same as no row level security for that command."
            }
            Rule::L306 => {
                "A security definer function runs with its owner's rights and bypasses RLS. \
                 Without a fixed search_path a caller can put objects of its own earlier in \
                 the path and have the function run them; executable by anon, anyone with the \
                 anon key can call it through /rest/v1/rpc."
            }
            Rule::L307 => {
                "user_metadata (auth.users.raw_user_meta_data) is written by the user through \
                 supabase.auth.updateUser(); a policy that trusts it lets users grant \
                 themselves access. Use app_metadata, which only the server can write."
            }
            Rule::L308 => {
                "Postgres calls auth.uid(), auth.jwt(), auth.role(), auth.email() and \
                 current_setting() once per row the policy checks. Wrapped in a scalar \
                 subquery, (select auth.uid()), the planner evaluates it once per statement \
                 (an initPlan): much faster on large tables."
            }
            Rule::L309 => {
                "Permissive policies are combined with OR, and Postgres evaluates every one \
                 of them for every row. Several policies for the same role and command cost \
                 more than one policy with the conditions joined by or."
            }
            Rule::L310 => {
                "Deleting or updating a referenced row makes Postgres look up the referencing \
                 rows; without an index whose leading columns are the foreign key's columns \
                 that is a sequential scan per row. A table without a primary key cannot be \
                 updated through the Data API reliably nor replicated."
            }
            Rule::L311 => {
                "Two identical indexes cost twice the writes and the disk, and Postgres uses \
                 only one of them."
            }
            Rule::L312 => {
                "Objects of an extension installed in public are served by the Data API and \
                 clutter the application's schema; Supabase installs extensions in the \
                 extensions schema."
            }
            Rule::L313 => {
                "A view runs with its owner's rights unless security_invoker is set, so it \
                 bypasses the row level security of the tables it reads: anon or \
                 authenticated see every row through the view."
            }
        }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// One problem found in the desired state.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct Finding {
    pub rule: Rule,
    pub severity: Severity,
    /// Canonical address of the object concerned, e.g. `table.public.profiles`.
    pub address: String,
    /// Names the object and says what goes wrong in production.
    pub message: String,
    /// How to fix it in the HCL.
    pub help: Option<String>,
}

/// What the linter assumes about the project's API.
#[derive(Debug, Clone, PartialEq)]
pub struct LintOptions {
    /// The schemas PostgREST serves (`db_schemas`).
    pub exposed_schemas: Vec<String>,
    /// Roles API requests run as.
    pub api_roles: Vec<String>,
}

impl Default for LintOptions {
    fn default() -> Self {
        LintOptions {
            exposed_schemas: vec!["public".into(), "graphql_public".into()],
            api_roles: vec!["anon".into(), "authenticated".into()],
        }
    }
}

/// Run every rule over `model`. Findings come sorted by severity (most severe first), then
/// rule, address and message: the same model always gives the same list.
pub fn lint(model: &Model, opts: &LintOptions) -> Vec<Finding> {
    lint_rules(model, opts, |_| true)
}

/// Only the rules `which` selects (the planner runs L303 on the declared grants and the
/// others on the normalised model; each rule runs once).
pub fn lint_rules(model: &Model, opts: &LintOptions, which: impl Fn(Rule) -> bool) -> Vec<Finding> {
    let mut cx = Ctx {
        model,
        opts,
        out: Vec::new(),
        table_grants: table_grants(model),
    };
    for rule in Rule::ALL {
        if which(rule) {
            run(rule, &mut cx);
        }
    }
    let mut out = cx.out;
    sort(&mut out);
    out
}

fn sort(out: &mut [Finding]) {
    out.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then(a.rule.cmp(&b.rule))
            .then_with(|| a.address.cmp(&b.address))
            .then_with(|| a.message.cmp(&b.message))
    });
}

fn run(rule: Rule, cx: &mut Ctx<'_>) {
    match rule {
        Rule::L301 => l301_exposed_without_rls::check(cx),
        Rule::L302 => l302_rls_without_policy::check(cx),
        Rule::L303 => l303_granted_command_without_policy::check(cx),
        Rule::L304 => l304_policy_without_rls::check(cx),
        Rule::L305 => l305_always_true_policy::check(cx),
        Rule::L306 => l306_security_definer_function::check(cx),
        Rule::L307 => l307_user_metadata_in_policy::check(cx),
        Rule::L308 => l308_auth_call_per_row::check(cx),
        Rule::L309 => l309_multiple_permissive_policies::check(cx),
        Rule::L310 => l310_unindexed_foreign_key::check(cx),
        Rule::L311 => l311_duplicate_index::check(cx),
        Rule::L312 => l312_extension_in_public::check(cx),
        Rule::L313 => l313_security_definer_view::check(cx),
    }
}

/// What a rule reads and where it reports.
pub(crate) struct Ctx<'a> {
    pub model: &'a Model,
    pub opts: &'a LintOptions,
    out: Vec<Finding>,
    /// Grants on each table or view, so a lookup does not scan every grant.
    table_grants: std::collections::HashMap<&'a QName, Vec<&'a crate::model::Grant>>,
}

fn table_grants(model: &Model) -> std::collections::HashMap<&QName, Vec<&crate::model::Grant>> {
    let mut m: std::collections::HashMap<&QName, Vec<&crate::model::Grant>> = Default::default();
    for g in &model.grants {
        if let GrantTarget::Table(q) = &g.target {
            m.entry(q).or_default().push(g);
        }
    }
    m
}

impl Ctx<'_> {
    pub fn report(
        &mut self,
        rule: Rule,
        address: impl ToString,
        message: String,
        help: Option<String>,
    ) {
        self.out.push(Finding {
            rule,
            severity: rule.severity(),
            address: address.to_string(),
            message,
            help,
        });
    }

    pub fn is_exposed(&self, schema: &str) -> bool {
        self.opts.exposed_schemas.iter().any(|s| s == schema)
    }

    /// True when a grant or policy naming `grantee` applies to `role` (`public` is
    /// every role).
    pub fn applies_to(grantee: &str, role: &str) -> bool {
        grantee == role || grantee.eq_ignore_ascii_case("public")
    }

    /// Upper-case privileges `role` holds on the table or view `name`, directly or through
    /// `public`, at table or column level.
    pub fn table_privileges(&self, name: &QName, role: &str) -> BTreeSet<String> {
        self.table_grants
            .get(name)
            .into_iter()
            .flatten()
            .filter(|g| Self::applies_to(&g.role, role))
            .flat_map(|g| g.privileges.iter().map(|p| p.to_ascii_uppercase()))
            .collect()
    }

    /// The API roles holding any privilege on the table or view `name`, in option order.
    pub fn api_roles_granted(&self, name: &QName, privilege: Option<&str>) -> Vec<String> {
        self.opts
            .api_roles
            .iter()
            .filter(|r| {
                let privs = self.table_privileges(name, r);
                match privilege {
                    Some(p) => privs.contains(p),
                    None => !privs.is_empty(),
                }
            })
            .cloned()
            .collect()
    }

    /// Policies of the table `name`, in name order.
    pub fn policies_of<'m>(&'m self, name: &'m QName) -> impl Iterator<Item = &'m Policy> + 'm {
        self.model
            .policies
            .range((name.clone(), String::new())..)
            .take_while(move |((t, _), _)| t == name)
            .map(|(_, p)| p)
    }

    /// The label of the HCL block declaring a table-like object (its name by default).
    pub fn label(name: &QName) -> String {
        name.name.clone()
    }
}

/// The four commands a policy of `command` covers.
pub(crate) fn commands(command: PolicyCommand) -> &'static [PolicyCommand] {
    match command {
        PolicyCommand::All => &[
            PolicyCommand::Select,
            PolicyCommand::Insert,
            PolicyCommand::Update,
            PolicyCommand::Delete,
        ],
        PolicyCommand::Select => &[PolicyCommand::Select],
        PolicyCommand::Insert => &[PolicyCommand::Insert],
        PolicyCommand::Update => &[PolicyCommand::Update],
        PolicyCommand::Delete => &[PolicyCommand::Delete],
    }
}

/// True when `policy` applies to `role` (it names the role or `public`).
pub(crate) fn policy_applies_to(policy: &Policy, role: &str) -> bool {
    policy.roles.iter().any(|r| Ctx::applies_to(r, role))
}

/// `a`, `a and b`, `a, b and c`.
pub(crate) fn and_list<S: AsRef<str>>(items: &[S]) -> String {
    join_list(items, "and")
}

/// `a`, `a or b`, `a, b or c`.
pub(crate) fn or_list<S: AsRef<str>>(items: &[S]) -> String {
    join_list(items, "or")
}

fn join_list<S: AsRef<str>>(items: &[S], word: &str) -> String {
    match items {
        [] => String::new(),
        [one] => one.as_ref().to_string(),
        [init @ .., last] => {
            let init: Vec<&str> = init.iter().map(|s| s.as_ref()).collect();
            format!("{} {word} {}", init.join(", "), last.as_ref())
        }
    }
}

/// `` `a` ``, `` `a` and `b` ``: names in backquotes.
pub(crate) fn quoted_list<S: AsRef<str>>(items: &[S]) -> String {
    let q: Vec<String> = items.iter().map(|s| format!("`{}`", s.as_ref())).collect();
    and_list(&q)
}

#[cfg(test)]
pub(crate) mod testing {
    //! Helpers for the rule tests: models from HCL, findings of one rule.
    use super::*;
    use crate::config::{load_str, LoadOptions};
    use std::path::Path;

    /// The model an HCL text lowers to; panics with the diagnostics when it does not load.
    pub fn model(hcl: &str) -> Model {
        let opts = LoadOptions {
            env: Box::new(|_| None),
            ..Default::default()
        };
        match load_str(Path::new("."), &[("main.hcl", hcl)], &opts) {
            Ok(c) => c.model,
            Err(d) => panic!("test config does not load:\n{d:?}"),
        }
    }

    /// The findings of `rule` alone on `hcl`, with default options.
    pub fn findings(rule: Rule, hcl: &str) -> Vec<Finding> {
        let m = model(hcl);
        let opts = LintOptions::default();
        let mut cx = Ctx {
            model: &m,
            opts: &opts,
            out: Vec::new(),
            table_grants: table_grants(&m),
        };
        run(rule, &mut cx);
        let mut out = cx.out;
        sort(&mut out);
        out
    }

    /// `address: message` of each finding of `rule` on `hcl`.
    pub fn messages(rule: Rule, hcl: &str) -> Vec<String> {
        findings(rule, hcl)
            .into_iter()
            .map(|f| format!("{}: {}", f.address, f.message))
            .collect()
    }
}

#[cfg(test)]
mod tests;
