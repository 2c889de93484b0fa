//! Collations a project creates (`CREATE COLLATION`): how a column's text sorts and
//! compares, e.g. ICU's `en-u-kn-true` (numbers in text sorted by value).

use super::{Keyed, QName};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Collation {
    pub name: QName,
    /// `libc` or `icu` (Postgres' `builtin` on 17+).
    pub provider: String,
    /// The locale: ICU's language tag, or libc's `LC_COLLATE`.
    pub locale: String,
    /// libc's `LC_CTYPE` where it differs from `LC_COLLATE`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lc_ctype: Option<String>,
    /// `false` for a nondeterministic collation (strings that compare equal, such as
    /// ones differing only in case under a case-insensitive ICU locale, are equal).
    #[serde(default = "yes", skip_serializing_if = "is_yes")]
    pub deterministic: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

fn yes() -> bool {
    true
}

fn is_yes(v: &bool) -> bool {
    *v
}

impl Keyed for Collation {
    type Key = QName;
    fn key(&self) -> QName {
        self.name.clone()
    }
}
