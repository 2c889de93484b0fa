//! The rules that classify plan steps: one closed enum, each rule with its code, its risk
//! and a one-line title. `docs/rules.md` documents them; DESIGN.md §4 is the source.

use serde::{Deserialize, Serialize};

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Risk {
    Safe,
    Caution,
    Dangerous,
}

impl Risk {
    pub fn as_str(self) -> &'static str {
        match self {
            Risk::Safe => "safe",
            Risk::Caution => "caution",
            Risk::Dangerous => "dangerous",
        }
    }
}

macro_rules! rules {
    ($($code:ident => $risk:ident, $title:literal;)*) => {
        /// Every rule that can classify a step.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, schemars::JsonSchema)]
        pub enum Rule { $($code,)* }

        impl Rule {
            pub const ALL: &'static [Rule] = &[$(Rule::$code,)*];

            pub fn code(self) -> &'static str {
                match self { $(Rule::$code => stringify!($code),)* }
            }

            pub fn risk(self) -> Risk {
                match self { $(Rule::$code => Risk::$risk,)* }
            }

            pub fn title(self) -> &'static str {
                match self { $(Rule::$code => $title,)* }
            }
        }
    };
}

rules! {
    S001 => Safe, "create a table";
    S002 => Safe, "add a nullable column or one with a constant default";
    S003 => Safe, "create an index concurrently";
    S004 => Safe, "create an enum";
    S005 => Safe, "add an enum value";
    S006 => Safe, "create or replace a SQL function or view";
    S007 => Safe, "create a policy";
    S008 => Safe, "enable RLS on a new table";
    S009 => Safe, "grant a privilege";
    S010 => Safe, "create an extension or schema";
    S011 => Safe, "deploy a new Edge Function or a new version of one";
    S012 => Safe, "set a secret";
    S013 => Safe, "seed rows with insert on conflict do nothing";
    S014 => Safe, "create a trigger";
    S015 => Safe, "change a comment or a column default";
    S016 => Safe, "rename a constraint, policy or enum (data kept)";
    S017 => Safe, "drop an index or constraint (no data lost)";
    S018 => Safe, "make a column nullable";
    S019 => Safe, "narrow the default privileges of an object created by this plan";
    S020 => Safe, "add a table to Supabase Realtime (the supabase_realtime publication)";
    S021 => Safe, "create a domain, composite type or collation";
    S022 => Safe, "set a table's replica identity (what updates and deletes write to the WAL)";
    S023 => Safe, "create a sequence";
    S024 => Safe, "attach an empty table to a partitioned table";
    S025 => Safe, "create a storage bucket, or change its name or upload limits (new uploads only)";
    C101 => Caution, "change a column's type (rewrite; conversion may fail)";
    C102 => Caution, "build an index without CONCURRENTLY (locks writes)";
    C103 => Caution, "add a constraint to a populated table (existing rows must pass)";
    C104 => Caution, "set NOT NULL on a populated column";
    C105 => Caution, "add a column with a volatile default (table rewrite)";
    C106 => Caution, "modify an existing RLS policy (changes who sees what)";
    C107 => Caution, "change an Edge Function's entrypoint, import map or verify_jwt";
    C108 => Caution, "revoke a privilege";
    C109 => Caution, "change a SQL function's signature or return type (callers may break)";
    C110 => Caution, "enable RLS on a populated table (blocks every role without a policy)";
    C111 => Caution, "rename a table or column (clients using the old name break)";
    C112 => Caution, "drop an enum, schema, extension, collation, SQL function, view or trigger nothing else depends on";
    C113 => Caution, "replace a trigger or view, or update an extension";
    C114 => Caution, "delete a secret no Edge Function uses";
    C116 => Caution, "alter a domain (default, NOT NULL, checks: existing values must pass) or a composite type's attributes, or replace a collation";
    C115 => Caution, "remove a table from Supabase Realtime (subscribed clients stop receiving its changes)";
    C117 => Caution, "set a table's replica identity to NOTHING (its updates and deletes fail once it is published)";
    C118 => Caution, "alter a sequence (type, options, owner) or an identity column's sequence";
    C119 => Caution, "drop a sequence (its current value is lost)";
    C120 => Caution, "attach a populated table as a partition or create one beside a populated default partition (rows checked against the bound), or detach a partition (its rows leave the partitioned table)";
    C121 => Caution, "make a table unlogged (emptied after a crash, not replicated) or logged again (table rewrite)";
    C122 => Caution, "make a table inherit from another, or stop inheriting (its rows appear in or leave the parent's queries)";
    C123 => Caution, "make a storage bucket public (every file readable by its URL) or private (public URLs stop working)";
    C124 => Caution, "delete an empty storage bucket (uploads to it fail)";
    D201 => Dangerous, "drop a table (data loss)";
    D202 => Dangerous, "drop a column (data loss)";
    D203 => Dangerous, "truncate or delete rows";
    D204 => Dangerous, "remove or reorder an enum value (type rebuilt; rows holding it fail)";
    D205 => Dangerous, "delete an Edge Function (breaks API endpoints)";
    D206 => Dangerous, "drop an RLS policy (removes data protection)";
    D207 => Dangerous, "disable RLS on a table (exposes rows)";
    D208 => Dangerous, "narrowing type change that can lose data";
    D209 => Dangerous, "drop an enum, schema, SQL function, view or trigger others depend on";
    D210 => Dangerous, "delete a secret an Edge Function uses";
    D211 => Dangerous, "delete a storage bucket that holds files";
}

/// A rule that classified a step, with the reason in this step's own terms.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RuleHit {
    pub rule: Rule,
    pub reason: String,
}

impl RuleHit {
    pub fn new(rule: Rule, reason: impl Into<String>) -> Self {
        RuleHit {
            rule,
            reason: reason.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_follow_their_risk() {
        for r in Rule::ALL {
            let expected = match &r.code()[..1] {
                "S" => Risk::Safe,
                "C" => Risk::Caution,
                "D" => Risk::Dangerous,
                other => panic!("unexpected prefix {other}"),
            };
            assert_eq!(r.risk(), expected, "{}", r.code());
        }
    }
}
