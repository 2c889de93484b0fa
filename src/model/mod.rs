//! Typed objects supaform manages, and their canonical addresses.
//!
//! The model is pure data: no I/O, no source spans (those live in `config::SourceMap`).
//! The same types describe the desired state (lowered from HCL) and the live state
//! (introspected from Postgres), so the two can be compared directly.

mod address;
mod buckets;
mod collations;
pub mod keyed;
mod partitions;
mod sensitive;
mod sequences;
mod types;

pub use address::Address;
pub use buckets::Bucket;
pub use collations::Collation;
pub use keyed::Keyed;
pub use partitions::{Inherited, PartitionOf};
pub use sensitive::Sensitive;
pub use sequences::{
    column_sequence_name, type_range, IdentitySequence, Sequence, SequenceOptions,
};
pub use types::{creation_order, Attribute, CompositeType, Domain, UserType};

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// A schema-qualified name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct QName {
    pub schema: String,
    pub name: String,
}

impl QName {
    pub fn new(schema: impl Into<String>, name: impl Into<String>) -> Self {
        QName {
            schema: schema.into(),
            name: name.into(),
        }
    }

    /// `"schema"."name"`, quoted through the one quoting module.
    pub fn sql(&self) -> String {
        crate::quote::qualified(&self.schema, &self.name)
    }
}

impl fmt::Display for QName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.schema, self.name)
    }
}

/// Everything one configuration (or one live database) declares.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Model {
    pub project: Project,
    pub environments: BTreeMap<String, Environment>,
    pub schemas: BTreeMap<String, Schema>,
    pub extensions: BTreeMap<String, Extension>,
    #[serde(with = "keyed")]
    pub enums: BTreeMap<QName, Enum>,
    #[serde(default, with = "keyed")]
    pub domains: BTreeMap<QName, Domain>,
    #[serde(default, with = "keyed")]
    pub composite_types: BTreeMap<QName, CompositeType>,
    #[serde(default, with = "keyed", skip_serializing_if = "BTreeMap::is_empty")]
    pub collations: BTreeMap<QName, Collation>,
    #[serde(default, with = "keyed")]
    pub sequences: BTreeMap<QName, Sequence>,
    #[serde(with = "keyed")]
    pub tables: BTreeMap<QName, Table>,
    #[serde(with = "keyed")]
    pub policies: BTreeMap<(QName, String), Policy>,
    pub grants: Vec<Grant>,
    /// `ALTER DEFAULT PRIVILEGES`: what objects created later receive.
    #[serde(default)]
    pub default_privileges: Vec<DefaultPrivilege>,
    #[serde(with = "keyed")]
    pub functions: BTreeMap<QName, Function>,
    #[serde(with = "keyed")]
    pub triggers: BTreeMap<(QName, String), Trigger>,
    #[serde(with = "keyed")]
    pub views: BTreeMap<QName, View>,
    pub secrets: BTreeMap<String, Secret>,
    pub edge_functions: BTreeMap<String, EdgeFunction>,
    /// Storage buckets by id.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub buckets: BTreeMap<String, Bucket>,
    /// The grants the configuration manages: (object, role, columns). For each, the
    /// privileges are exactly the declared ones (`privileges = []` means none); grants of
    /// other pairs are left as they are (new objects receive the target's default
    /// privileges). `None` on a live model: every grant counts.
    #[serde(skip)]
    pub grant_scope: Option<std::collections::BTreeSet<GrantKey>>,
}

/// A grant's identity: the object, the role and the columns (empty for the whole object).
pub type GrantKey = (GrantTarget, String, Vec<String>);

/// Grants by identity, the privileges of grants with the same identity merged.
pub fn grants_by_key<'a>(
    grants: impl IntoIterator<Item = &'a Grant>,
) -> BTreeMap<GrantKey, std::collections::BTreeSet<String>> {
    let mut out: BTreeMap<GrantKey, std::collections::BTreeSet<String>> = BTreeMap::new();
    for g in grants {
        out.entry((g.target.clone(), g.role.clone(), g.columns.clone()))
            .or_default()
            .extend(g.privileges.iter().cloned());
    }
    out
}

/// The suffix marking a grant option in the sets of [`grant_options_by_key`].
pub const GRANT_OPTION: &str = " WITH GRANT OPTION";

/// Grants by identity like [`grants_by_key`], each privilege held with its grant option
/// also present as `"SELECT WITH GRANT OPTION"`: what a comparison of grants must see.
pub fn grant_options_by_key<'a>(
    grants: impl IntoIterator<Item = &'a Grant>,
) -> BTreeMap<GrantKey, std::collections::BTreeSet<String>> {
    let mut out: BTreeMap<GrantKey, std::collections::BTreeSet<String>> = BTreeMap::new();
    for g in grants {
        let set = out
            .entry((g.target.clone(), g.role.clone(), g.columns.clone()))
            .or_default();
        set.extend(g.privileges.iter().cloned());
        set.extend(g.grantable.iter().map(|p| format!("{p}{GRANT_OPTION}")));
    }
    out
}

impl Grant {
    /// The grant of a set from [`grant_options_by_key`] (for a `Revoke`: the entries to
    /// take away, see `grantable`).
    pub fn from_set(
        key: &GrantKey,
        set: &std::collections::BTreeSet<String>,
        revoke: bool,
    ) -> Grant {
        let mut privileges: Vec<String> = Vec::new();
        let mut grantable: Vec<String> = Vec::new();
        for p in set {
            match p.strip_suffix(GRANT_OPTION) {
                Some(plain) => {
                    // Revoking a privilege outright takes its grant option along.
                    if !(revoke && set.contains(plain)) {
                        grantable.push(plain.to_string());
                    }
                    privileges.push(plain.to_string());
                }
                None => privileges.push(p.clone()),
            }
        }
        privileges.sort_by_key(|p| privilege_rank(p));
        privileges.dedup();
        grantable.sort_by_key(|p| privilege_rank(p));
        Grant {
            target: key.0.clone(),
            role: key.1.clone(),
            privileges,
            columns: key.2.clone(),
            grantable,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Project {
    pub name: Option<String>,
    /// Schemas supaform manages. Unless `schemas_listed`, every schema that is not the
    /// platform's is managed: these are the ones the configuration (or the database) uses.
    pub schemas: Vec<String>,
    /// `project.schemas` was written: only those schemas are managed. Otherwise every user
    /// schema is (what a real project has: `private`, an app schema, …).
    #[serde(default)]
    pub schemas_listed: bool,
    pub managed_roles: Vec<String>,
}

impl Default for Project {
    fn default() -> Self {
        Project {
            name: None,
            schemas_listed: false,
            schemas: vec!["public".into()],
            managed_roles: vec!["anon".into(), "authenticated".into(), "service_role".into()],
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StateBackend {
    #[default]
    File,
    Database,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Environment {
    pub name: String,
    /// libpq URL; `None` means the embedded local Postgres.
    pub database_url: Option<Sensitive<String>>,
    pub project_ref: Option<String>,
    pub protected: bool,
    pub state: StateBackend,
    pub lock_timeout: Option<String>,
    pub statement_timeout: Option<String>,
    pub functions_dir: Option<String>,
    /// Environment variables this environment's attributes read that are not set here.
    pub missing_env: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Schema {
    pub name: String,
    pub comment: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Extension {
    pub name: String,
    pub schema: String,
    pub version: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Enum {
    pub name: QName,
    pub values: Vec<String>,
    pub renamed_from: Option<String>,
    /// Values renamed in place (`renamed_values = { new = "old" }`): new name → old name.
    /// Only the configuration carries it, like `renamed_from`.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub renamed_values: std::collections::BTreeMap<String, String>,
    pub comment: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Table {
    pub name: QName,
    pub columns: Vec<Column>,
    pub primary_key: Option<PrimaryKey>,
    pub foreign_keys: Vec<ForeignKey>,
    pub indexes: Vec<Index>,
    pub uniques: Vec<Unique>,
    pub checks: Vec<Check>,
    pub rls: Rls,
    pub comment: Option<String>,
    pub renamed_from: Option<String>,
    pub prevent_destroy: bool,
    /// In Supabase Realtime's `supabase_realtime` publication (clients subscribed to it
    /// receive its changes). `None` in a configuration that does not say: left as it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub realtime: Option<bool>,
    /// What the table's updates and deletes write to the WAL to identify the old row
    /// (`ALTER TABLE … REPLICA IDENTITY`); `None` is Postgres' default (the primary key).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replica_identity: Option<ReplicaIdentity>,
    /// A partitioned table's key, as `pg_get_partkeydef` prints it (`RANGE (logdate)`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partition_by: Option<String>,
    /// The partitioned table this one is a partition of, with its bound. A partition's
    /// columns, and the constraints, indexes and triggers it inherits, are its parent's:
    /// they are not in its model.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partition_of: Option<PartitionOf>,
    /// Of a live partition: what it inherits from its parent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inherited: Option<Box<Inherited>>,
    /// Exclusion constraints (`EXCLUDE USING gist (room WITH =, during WITH &&)`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exclusions: Vec<Exclusion>,
    /// The tables it inherits from (`INHERITS (…)`, table inheritance, not partitioning),
    /// in order. The columns and checks it inherits are theirs: not in its model.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inherits: Vec<QName>,
    /// `UNLOGGED`: not written to the WAL, so emptied after a crash and not replicated.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unlogged: bool,
}

/// A table's replica identity other than the default: the whole old row, nothing, or the
/// columns of one unique index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReplicaIdentity {
    Full,
    Nothing,
    Index(String),
}

impl ReplicaIdentity {
    /// As the configuration spells it: `full`, `nothing`, `using index NAME`.
    pub fn spelled(&self) -> String {
        match self {
            ReplicaIdentity::Full => "full".into(),
            ReplicaIdentity::Nothing => "nothing".into(),
            ReplicaIdentity::Index(i) => format!("using index {i}"),
        }
    }
}

impl Table {
    pub fn new(name: QName) -> Self {
        Table {
            name,
            columns: vec![],
            primary_key: None,
            foreign_keys: vec![],
            indexes: vec![],
            uniques: vec![],
            checks: vec![],
            rls: Rls::default(),
            comment: None,
            renamed_from: None,
            prevent_destroy: false,
            realtime: None,
            replica_identity: None,
            partition_by: None,
            partition_of: None,
            inherited: None,
            exclusions: vec![],
            unlogged: false,
            inherits: vec![],
        }
    }

    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Column {
    pub name: String,
    /// The SQL type as Postgres prints it (`format_type`), e.g. `text`, `numeric(10,2)`,
    /// `public.postcard_status`, `uuid[]`.
    pub data_type: String,
    /// Set when the type is an enum declared in the model.
    pub enum_type: Option<QName>,
    pub nullable: bool,
    pub default: Option<DefaultValue>,
    pub identity: Option<Identity>,
    /// The identity's sequence, when its name or options are not Postgres' defaults.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity_sequence: Option<Box<IdentitySequence>>,
    /// Expression of a stored generated column.
    pub generated: Option<String>,
    pub collation: Option<String>,
    pub comment: Option<String>,
    pub renamed_from: Option<String>,
}

impl Column {
    /// Equal to `other` in everything but `renamed_from` (which only the config carries).
    pub fn same_but_rename(&self, other: &Column) -> bool {
        // Destructured in full, so a new field cannot be forgotten here.
        let Column {
            name,
            data_type,
            enum_type,
            nullable,
            default,
            identity,
            identity_sequence,
            generated,
            collation,
            comment,
            renamed_from: _,
        } = self;
        *name == other.name
            && *data_type == other.data_type
            && *enum_type == other.enum_type
            && *nullable == other.nullable
            && *default == other.default
            && *identity == other.identity
            && *identity_sequence == other.identity_sequence
            && *generated == other.generated
            && *collation == other.collation
            && *comment == other.comment
    }

    pub fn new(name: impl Into<String>, data_type: impl Into<String>) -> Self {
        Column {
            name: name.into(),
            data_type: data_type.into(),
            enum_type: None,
            nullable: false,
            default: None,
            identity: None,
            identity_sequence: None,
            generated: None,
            collation: None,
            comment: None,
            renamed_from: None,
        }
    }
}

/// A column default: a literal value (quoted by supaform) or an SQL expression.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "lowercase")]
pub enum DefaultValue {
    Literal(Literal),
    Sql(String),
}

/// A literal default. In JSON: `null`, a boolean, a string, or `{"number": "1.50"}` (the
/// number as written, tagged so it never reads back as a string).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Literal {
    Null,
    Bool(bool),
    Number(NumberText),
    String(String),
}

/// The text of a numeric literal, exactly as written (`1.50` keeps its zero).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NumberText {
    pub number: String,
}

impl std::ops::Deref for NumberText {
    type Target = String;
    fn deref(&self) -> &String {
        &self.number
    }
}

impl Literal {
    /// A numeric literal from its text.
    pub fn number(text: impl Into<String>) -> Literal {
        Literal::Number(NumberText {
            number: text.into(),
        })
    }
}

impl DefaultValue {
    /// The default as an SQL expression, literals quoted through `crate::quote`.
    pub fn to_sql(&self) -> String {
        match self {
            DefaultValue::Sql(s) => s.clone(),
            DefaultValue::Literal(Literal::Null) => "NULL".into(),
            DefaultValue::Literal(Literal::Bool(b)) => b.to_string(),
            DefaultValue::Literal(Literal::Number(n)) => n.number.clone(),
            DefaultValue::Literal(Literal::String(s)) => crate::quote::literal(s),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Identity {
    Always,
    ByDefault,
}

impl Identity {
    pub fn as_str(self) -> &'static str {
        match self {
            Identity::Always => "always",
            Identity::ByDefault => "by default",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PrimaryKey {
    /// Constraint name; `None` lets Postgres choose `<table>_pkey`.
    pub name: Option<String>,
    pub columns: Vec<String>,
    /// `DEFERRABLE [INITIALLY DEFERRED]`: checked at commit when deferred.
    #[serde(default, skip_serializing_if = "Deferrable::is_no")]
    pub deferrable: Deferrable,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FkAction {
    #[default]
    NoAction,
    Restrict,
    Cascade,
    SetNull,
    SetDefault,
}

impl FkAction {
    pub const ALL: [(&'static str, FkAction); 5] = [
        ("no action", FkAction::NoAction),
        ("restrict", FkAction::Restrict),
        ("cascade", FkAction::Cascade),
        ("set null", FkAction::SetNull),
        ("set default", FkAction::SetDefault),
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FkAction::NoAction => "no action",
            FkAction::Restrict => "restrict",
            FkAction::Cascade => "cascade",
            FkAction::SetNull => "set null",
            FkAction::SetDefault => "set default",
        }
    }

    pub fn sql(self) -> &'static str {
        match self {
            FkAction::NoAction => "NO ACTION",
            FkAction::Restrict => "RESTRICT",
            FkAction::Cascade => "CASCADE",
            FkAction::SetNull => "SET NULL",
            FkAction::SetDefault => "SET DEFAULT",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Deferrable {
    #[default]
    No,
    Immediate,
    Deferred,
}

impl Deferrable {
    pub fn is_no(&self) -> bool {
        *self == Deferrable::No
    }

    /// The clause after a constraint (empty when not deferrable).
    pub fn sql(self) -> &'static str {
        match self {
            Deferrable::No => "",
            Deferrable::Immediate => " DEFERRABLE INITIALLY IMMEDIATE",
            Deferrable::Deferred => " DEFERRABLE INITIALLY DEFERRED",
        }
    }

    /// As the configuration spells it (`None`: not deferrable, the default).
    pub fn spelled(self) -> Option<&'static str> {
        match self {
            Deferrable::No => None,
            Deferrable::Immediate => Some("immediate"),
            Deferrable::Deferred => Some("deferred"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ForeignKey {
    pub name: String,
    pub columns: Vec<String>,
    pub ref_table: QName,
    pub ref_columns: Vec<String>,
    pub on_delete: FkAction,
    pub on_update: FkAction,
    pub deferrable: Deferrable,
    /// As [`Check::valid`].
    #[serde(default = "valid_default", skip_serializing_if = "is_valid")]
    pub valid: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum IndexPart {
    Column(String),
    Expression(String),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Index {
    pub name: String,
    pub parts: Vec<IndexPart>,
    pub unique: bool,
    pub method: String,
    pub predicate: Option<String>,
    pub include: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Unique {
    pub name: String,
    pub columns: Vec<String>,
    pub nulls_not_distinct: bool,
    /// As [`PrimaryKey::deferrable`].
    #[serde(default, skip_serializing_if = "Deferrable::is_no")]
    pub deferrable: Deferrable,
}

/// An exclusion constraint: no two rows may match on every element by its operator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Exclusion {
    pub name: String,
    /// What follows `EXCLUDE` in the constraint's definition, as `pg_get_constraintdef`
    /// prints it: `USING gist (room WITH =, during WITH &&) WHERE (…) DEFERRABLE`.
    pub definition: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Check {
    pub name: String,
    pub expression: String,
    /// `NO INHERIT`: not passed on to the tables that inherit this one (a table's check
    /// only; a domain's are always false).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub no_inherit: bool,
    /// `false` for a constraint added `NOT VALID` and not validated since (an apply
    /// interrupted in its *validate* phase): existing rows are not proven to pass.
    #[serde(default = "valid_default", skip_serializing_if = "is_valid")]
    pub valid: bool,
}

fn valid_default() -> bool {
    true
}

fn is_valid(v: &bool) -> bool {
    *v
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Rls {
    pub enabled: bool,
    pub force: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PolicyCommand {
    All,
    Select,
    Insert,
    Update,
    Delete,
}

impl PolicyCommand {
    pub const ALL: [(&'static str, PolicyCommand); 5] = [
        ("all", PolicyCommand::All),
        ("select", PolicyCommand::Select),
        ("insert", PolicyCommand::Insert),
        ("update", PolicyCommand::Update),
        ("delete", PolicyCommand::Delete),
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PolicyCommand::All => "all",
            PolicyCommand::Select => "select",
            PolicyCommand::Insert => "insert",
            PolicyCommand::Update => "update",
            PolicyCommand::Delete => "delete",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Policy {
    pub table: QName,
    pub name: String,
    pub command: PolicyCommand,
    /// Role names, sorted; `public` when the policy applies to everyone.
    pub roles: Vec<String>,
    pub using: Option<String>,
    pub check: Option<String>,
    pub permissive: bool,
    pub renamed_from: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "name", rename_all = "lowercase")]
pub enum GrantTarget {
    /// A table or view.
    Table(QName),
    Function(QName),
    Schema(String),
    Sequence(QName),
}

impl fmt::Display for GrantTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GrantTarget::Table(q) | GrantTarget::Function(q) | GrantTarget::Sequence(q) => {
                write!(f, "{q}")
            }
            GrantTarget::Schema(s) => write!(f, "{s}"),
        }
    }
}

/// Privileges one role holds on one object (optionally on some of its columns only).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Grant {
    pub target: GrantTarget,
    pub role: String,
    /// Upper-case privilege names, sorted (`SELECT`, `INSERT`, …).
    pub privileges: Vec<String>,
    /// Empty for an object-level grant.
    pub columns: Vec<String>,
    /// The privileges of `privileges` held `WITH GRANT OPTION` (sorted like them). In a
    /// `Revoke` change: the privileges that stay but lose their grant option
    /// (`REVOKE GRANT OPTION FOR`); the others of `privileges` are revoked outright.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub grantable: Vec<String>,
}

/// The kind of object a default privilege applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DefaultPrivilegeOn {
    Tables,
    Sequences,
    Functions,
    Types,
    Schemas,
}

impl DefaultPrivilegeOn {
    pub const ALL: [(&'static str, DefaultPrivilegeOn); 5] = [
        ("tables", DefaultPrivilegeOn::Tables),
        ("sequences", DefaultPrivilegeOn::Sequences),
        ("functions", DefaultPrivilegeOn::Functions),
        ("types", DefaultPrivilegeOn::Types),
        ("schemas", DefaultPrivilegeOn::Schemas),
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DefaultPrivilegeOn::Tables => "tables",
            DefaultPrivilegeOn::Sequences => "sequences",
            DefaultPrivilegeOn::Functions => "functions",
            DefaultPrivilegeOn::Types => "types",
            DefaultPrivilegeOn::Schemas => "schemas",
        }
    }

    /// Upper-case privileges that can be granted on this kind of object.
    pub fn privileges(self) -> &'static [&'static str] {
        match self {
            DefaultPrivilegeOn::Tables => &[
                "INSERT",
                "SELECT",
                "UPDATE",
                "DELETE",
                "TRUNCATE",
                "REFERENCES",
                "TRIGGER",
                "MAINTAIN",
            ],
            DefaultPrivilegeOn::Sequences => &["SELECT", "UPDATE", "USAGE"],
            DefaultPrivilegeOn::Functions => &["EXECUTE"],
            DefaultPrivilegeOn::Types => &["USAGE"],
            DefaultPrivilegeOn::Schemas => &["USAGE", "CREATE"],
        }
    }
}

/// Privileges `role` receives on objects `owner` creates later (in `schema`, or anywhere).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct DefaultPrivilege {
    /// The role whose new objects get the privileges (`FOR ROLE`).
    pub owner: String,
    /// `None` for every schema.
    pub schema: Option<String>,
    pub on: DefaultPrivilegeOn,
    /// The grantee (`public` for PUBLIC).
    pub role: String,
    /// Upper-case, in canonical order.
    pub privileges: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Security {
    #[default]
    Invoker,
    Definer,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Volatility {
    #[default]
    Volatile,
    Stable,
    Immutable,
}

impl Volatility {
    pub fn as_str(self) -> &'static str {
        match self {
            Volatility::Volatile => "volatile",
            Volatility::Stable => "stable",
            Volatility::Immutable => "immutable",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ArgMode {
    #[default]
    In,
    Out,
    Inout,
    Variadic,
}

impl ArgMode {
    pub fn as_str(self) -> &'static str {
        match self {
            ArgMode::In => "in",
            ArgMode::Out => "out",
            ArgMode::Inout => "inout",
            ArgMode::Variadic => "variadic",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FunctionArg {
    pub name: String,
    pub data_type: String,
    pub mode: ArgMode,
    pub default: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Function {
    pub name: QName,
    pub args: Vec<FunctionArg>,
    pub returns: String,
    pub language: String,
    pub security: Security,
    pub volatility: Volatility,
    pub strict: bool,
    /// `PARALLEL SAFE` / `RESTRICTED`; `None` is Postgres' default, `UNSAFE`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parallel: Option<String>,
    /// `Some("")` pins an empty search_path.
    pub search_path: Option<String>,
    pub body: String,
    pub comment: Option<String>,
    pub renamed_from: Option<String>,
    /// A procedure (`CREATE PROCEDURE`, run with `CALL`): `returns` is empty, volatility
    /// volatile, not strict, not parallel safe.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub procedure: bool,
    /// `ROWS n`: the planner's estimate of the rows a set-returning function returns;
    /// `None` is Postgres' default (1000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rows: Option<u32>,
    /// Of one of several functions sharing a name: its input argument types (`text,
    /// integer`), which make its key (see [`Function::key`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overload: Option<String>,
}

impl Function {
    /// `FUNCTION` or `PROCEDURE`, as `DROP`, `ALTER` and `COMMENT ON` name it.
    /// What the model keys the function by: its name, or, for one of several functions
    /// sharing a name, `name(types)` (`public.get_messages(public.users)`).
    pub fn key(&self) -> QName {
        match &self.overload {
            Some(args) => QName::new(
                self.name.schema.clone(),
                format!("{}({args})", self.name.name),
            ),
            None => self.name.clone(),
        }
    }

    /// The input argument types, as a signature lists them.
    pub fn in_types(&self) -> String {
        self.args
            .iter()
            .filter(|a| a.mode != ArgMode::Out)
            .map(|a| a.data_type.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// `function` or `procedure`, as plans name it.
    pub fn noun(&self) -> &'static str {
        if self.procedure {
            "procedure"
        } else {
            "function"
        }
    }

    pub fn keyword(&self) -> &'static str {
        if self.procedure {
            "PROCEDURE"
        } else {
            "FUNCTION"
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TriggerTiming {
    Before,
    After,
    InsteadOf,
}

impl TriggerTiming {
    pub fn as_str(self) -> &'static str {
        match self {
            TriggerTiming::Before => "before",
            TriggerTiming::After => "after",
            TriggerTiming::InsteadOf => "instead of",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TriggerEvent {
    Insert,
    Update,
    Delete,
    Truncate,
}

impl TriggerEvent {
    pub fn as_str(self) -> &'static str {
        match self {
            TriggerEvent::Insert => "insert",
            TriggerEvent::Update => "update",
            TriggerEvent::Delete => "delete",
            TriggerEvent::Truncate => "truncate",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Trigger {
    pub table: QName,
    pub name: String,
    pub timing: TriggerTiming,
    /// Sorted.
    pub events: Vec<TriggerEvent>,
    pub update_of: Vec<String>,
    pub for_each_row: bool,
    pub when: Option<String>,
    pub function: QName,
    /// The arguments the trigger passes its function (`TG_ARGV`), as written:
    /// `moddatetime(updated_at)`, `supabase_functions.http_request('https://…', 'POST', …)`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub arguments: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct View {
    pub name: QName,
    pub query: String,
    pub security_invoker: bool,
    /// `WITH LOCAL | CASCADED CHECK OPTION`: `local` or `cascaded`; rows written through the
    /// view must satisfy its condition.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check_option: Option<String>,
    pub comment: Option<String>,
    /// A materialized view (`CREATE MATERIALIZED VIEW`: its rows are stored and refreshed
    /// with `REFRESH MATERIALIZED VIEW`); it has no `security_invoker` or `check_option`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub materialized: bool,
    /// A materialized view's indexes (a unique one allows `REFRESH … CONCURRENTLY`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub indexes: Vec<Index>,
}

impl View {
    /// `VIEW` or `MATERIALIZED VIEW`, as `DROP` and `COMMENT ON` name it.
    pub fn keyword(&self) -> &'static str {
        if self.materialized {
            "MATERIALIZED VIEW"
        } else {
            "VIEW"
        }
    }

    /// `view` or `materialized view`, as plans name it.
    pub fn noun(&self) -> &'static str {
        if self.materialized {
            "materialized view"
        } else {
            "view"
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Secret {
    pub name: String,
    /// `None` when the value comes from an environment variable that is not set here;
    /// `missing_env` then names it, and commands that need the value fail with that name.
    pub value: Option<Sensitive<String>>,
    pub missing_env: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EdgeFunction {
    pub slug: String,
    pub name: String,
    /// Source directory, as written (relative to the config directory).
    pub source: String,
    pub entrypoint: String,
    pub verify_jwt: bool,
    pub import_map: Option<String>,
    pub static_files: Vec<String>,
    /// Secrets it depends on.
    pub secrets: Vec<String>,
}

/// Schemas that belong to the Supabase platform, never user-managed.
pub const PLATFORM_SCHEMAS: &[&str] = &[
    "auth",
    "storage",
    "extensions",
    "graphql",
    "graphql_public",
    "realtime",
    "_realtime",
    "vault",
    "pgsodium",
    "pgsodium_masks",
    "supabase_functions",
    "supabase_migrations",
    "net",
    "cron",
    "pgbouncer",
    "pgmq",
    "pgtle",
    "repack",
    "information_schema",
];

/// Extensions Supabase installs on every project, in its own schemas: the platform's, not
/// the project's (`import` leaves them out; a plan never creates or drops them). One a
/// project installed elsewhere (pgcrypto in public) is the project's.
pub const PLATFORM_EXTENSIONS: &[&str] = &[
    "pg_graphql",
    "supabase_vault",
    "pg_stat_statements",
    "pgcrypto",
    "uuid-ossp",
    "plpgsql",
];

/// The schemas Supabase's extensions create for their objects (besides the one they are
/// installed in): `create extension pg_cron` makes `cron`, and so on.
pub const EXTENSION_SCHEMAS: &[(&str, &str)] = &[
    ("pg_cron", "cron"),
    ("pg_net", "net"),
    ("pgmq", "pgmq"),
    ("pgsodium", "pgsodium"),
    ("pgsodium", "pgsodium_masks"),
    ("supabase_vault", "vault"),
    ("pg_graphql", "graphql"),
];

/// Whether the extension `name` installed in `schema` is the platform's.
pub fn is_platform_extension(name: &str, schema: &str) -> bool {
    PLATFORM_EXTENSIONS.contains(&name) && is_platform_schema(schema)
}

/// Roles every Supabase project has; configs may name them without listing them in
/// `managed_roles`.
pub const SUPABASE_ROLES: &[&str] = &[
    "public",
    "anon",
    "authenticated",
    "service_role",
    "authenticator",
    "postgres",
    "supabase_admin",
    "supabase_auth_admin",
    "supabase_storage_admin",
    "dashboard_user",
];

/// True for platform schemas and every `pg_*` schema.
pub fn is_platform_schema(schema: &str) -> bool {
    PLATFORM_SCHEMAS.contains(&schema) || schema.starts_with("pg_")
}

/// Canonical privilege order (the order of Postgres' `aclitem` letters).
pub fn privilege_rank(p: &str) -> usize {
    [
        "INSERT",
        "SELECT",
        "UPDATE",
        "DELETE",
        "TRUNCATE",
        "REFERENCES",
        "TRIGGER",
        "EXECUTE",
        "USAGE",
        "CREATE",
        "MAINTAIN",
    ]
    .iter()
    .position(|x| *x == p)
    .unwrap_or(usize::MAX)
}

impl Model {
    /// Put every list in its canonical order, so two models describing the same objects
    /// compare equal whichever way they were built (config or catalog).
    pub fn normalize(&mut self) {
        for t in self.tables.values_mut() {
            t.foreign_keys.sort_by(|a, b| a.name.cmp(&b.name));
            t.indexes.sort_by(|a, b| a.name.cmp(&b.name));
            t.uniques.sort_by(|a, b| a.name.cmp(&b.name));
            t.checks.sort_by(|a, b| a.name.cmp(&b.name));
        }
        for p in self.policies.values_mut() {
            p.roles.sort();
            p.roles.dedup();
        }
        for t in self.triggers.values_mut() {
            t.events.sort();
            t.events.dedup();
        }
        for g in &mut self.grants {
            g.privileges.sort_by_key(|p| privilege_rank(p));
            g.privileges.dedup();
            g.columns.sort();
        }
        self.grants.sort();
        for d in &mut self.default_privileges {
            d.privileges.sort_by_key(|p| privilege_rank(p));
            d.privileges.dedup();
        }
        self.default_privileges.sort();
    }

    /// Every address in the model, for listings and tests.
    /// The roles the model names: managed roles, grantees, policies' roles, and default
    /// privileges' owners and grantees (`public` included where named).
    pub fn roles_named(&self) -> std::collections::BTreeSet<&str> {
        let mut out: std::collections::BTreeSet<&str> = self
            .project
            .managed_roles
            .iter()
            .map(String::as_str)
            .collect();
        out.extend(self.grants.iter().map(|g| g.role.as_str()));
        out.extend(
            self.policies
                .values()
                .flat_map(|p| p.roles.iter().map(String::as_str)),
        );
        for d in &self.default_privileges {
            out.insert(d.role.as_str());
            out.insert(d.owner.as_str());
        }
        out
    }

    pub fn addresses(&self) -> Vec<Address> {
        let mut out = Vec::new();
        out.extend(self.schemas.keys().map(|s| Address::Schema(s.clone())));
        out.extend(
            self.extensions
                .keys()
                .map(|s| Address::Extension(s.clone())),
        );
        out.extend(self.enums.keys().map(|q| Address::Enum(q.clone())));
        out.extend(self.domains.keys().map(|q| Address::Domain(q.clone())));
        out.extend(
            self.composite_types
                .keys()
                .map(|q| Address::CompositeType(q.clone())),
        );
        out.extend(
            self.collations
                .keys()
                .map(|q| Address::Collation(q.clone())),
        );
        out.extend(self.sequences.keys().map(|q| Address::Sequence(q.clone())));
        out.extend(self.tables.keys().map(|q| Address::Table(q.clone())));
        out.extend(
            self.policies
                .keys()
                .map(|(t, n)| Address::Policy(t.clone(), n.clone())),
        );
        out.extend(
            self.grants
                .iter()
                .map(|g| Address::Grant(g.target.clone(), g.role.clone())),
        );
        out.extend(self.functions.keys().map(|q| Address::Function(q.clone())));
        out.extend(
            self.triggers
                .keys()
                .map(|(t, n)| Address::Trigger(t.clone(), n.clone())),
        );
        out.extend(self.views.keys().map(|q| Address::View(q.clone())));
        out.extend(self.secrets.keys().map(|s| Address::Secret(s.clone())));
        out.extend(
            self.edge_functions
                .keys()
                .map(|s| Address::EdgeFunction(s.clone())),
        );
        out.extend(self.buckets.keys().map(|s| Address::Bucket(s.clone())));
        out.sort();
        out.dedup();
        out
    }
}

impl Keyed for Enum {
    type Key = QName;
    fn key(&self) -> QName {
        self.name.clone()
    }
}

impl Keyed for Table {
    type Key = QName;
    fn key(&self) -> QName {
        self.name.clone()
    }
}

impl Keyed for Function {
    type Key = QName;
    fn key(&self) -> QName {
        Function::key(self)
    }
}

impl Keyed for View {
    type Key = QName;
    fn key(&self) -> QName {
        self.name.clone()
    }
}

impl Keyed for Policy {
    type Key = (QName, String);
    fn key(&self) -> (QName, String) {
        (self.table.clone(), self.name.clone())
    }
}

impl Keyed for Trigger {
    type Key = (QName, String);
    fn key(&self) -> (QName, String) {
        (self.table.clone(), self.name.clone())
    }
}

#[cfg(test)]
mod serde_tests {
    use super::*;

    #[test]
    fn every_kind_of_literal_default_reads_back_as_itself() {
        for lit in [
            Literal::Null,
            Literal::Bool(true),
            Literal::number("1.50"),
            Literal::String("42".into()),
            Literal::String("usd".into()),
        ] {
            let d = DefaultValue::Literal(lit);
            let json = serde_json::to_string(&d).unwrap();
            let back: DefaultValue = serde_json::from_str(&json).unwrap();
            assert_eq!(back, d, "{json}");
        }
    }

    #[test]
    fn a_model_round_trips_through_json() {
        let mut m = Model::default();
        let q = QName::new("public", "t");
        let mut t = Table::new(q.clone());
        t.columns.push(Column::new("id", "uuid"));
        m.tables.insert(q.clone(), t);
        m.policies.insert(
            (q.clone(), "p".into()),
            Policy {
                table: q,
                name: "p".into(),
                command: PolicyCommand::Select,
                roles: vec!["anon".into()],
                using: Some("true".into()),
                check: None,
                permissive: true,
                renamed_from: None,
            },
        );
        let json = serde_json::to_string(&m).unwrap();
        let back: Model = serde_json::from_str(&json).unwrap();
        assert_eq!(back, m);
    }
}
