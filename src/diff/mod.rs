//! Diffing: `(desired, live, ownership) → Vec<Change>`, a pure function.
//!
//! Both sides are [`Model`]s, the desired one already normalised through a dev database, so
//! comparison is structural. Ownership follows Terraform: an object that exists live but is
//! neither desired nor owned (recorded in state) is *unmanaged* — reported, never dropped.
//! Renames come only from `renamed_from`; a drop beside a similar add earns a [`Hint`].
//! Parts of a table (columns, indexes, constraints, RLS) belong to the table and are always
//! compared; policies, grants, triggers and the rest are objects of their own.

use crate::model::*;
use std::collections::{BTreeMap, BTreeSet};

mod buckets;
mod collations;
pub mod functions;
pub(crate) mod inheritance;
mod overloads;
mod partitions;
mod renames;
mod sequences;
mod types;

/// One difference between desired and live, with everything needed to render its SQL and
/// classify its risk.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum Change {
    CreateSchema(Schema),
    DropSchema(Schema),
    SetSchemaComment {
        name: String,
        comment: Option<String>,
    },
    CreateExtension(Extension),
    DropExtension(Extension),
    UpdateExtension {
        from: Extension,
        to: Extension,
    },
    CreateEnum(Enum),
    DropEnum(Enum),
    RenameEnum {
        from: QName,
        to: QName,
    },
    /// `ALTER TYPE … RENAME VALUE`: rows holding the value keep it under its new name.
    RenameEnumValue {
        name: QName,
        from: String,
        to: String,
    },
    /// Insert a value before `before` (None: at the end). Must commit before use.
    AddEnumValue {
        name: QName,
        value: String,
        before: Option<String>,
    },
    /// Values removed or reordered: the type is rebuilt and every column using it cast.
    RebuildEnum {
        from: Enum,
        to: Enum,
        columns: Vec<(QName, String)>,
    },
    SetEnumComment {
        name: QName,
        comment: Option<String>,
    },
    /// `ALTER DEFAULT PRIVILEGES FOR ROLE … IN SCHEMA … GRANT`: privileges the role's
    /// objects created later give the grantee.
    GrantDefault(DefaultPrivilege),
    /// `… REVOKE`: privileges they no longer give.
    RevokeDefault(DefaultPrivilege),
    CreateTable(Table),
    DropTable(Table),
    RenameTable {
        from: QName,
        to: QName,
    },
    SetTableComment {
        table: QName,
        comment: Option<String>,
    },
    AddColumn {
        table: QName,
        column: Column,
    },
    DropColumn {
        table: QName,
        column: Column,
    },
    RenameColumn {
        table: QName,
        from: String,
        to: String,
    },
    /// Any change of type, nullability, default, identity, generation, collation or
    /// comment; the planner renders one statement per attribute that differs.
    AlterColumn {
        table: QName,
        from: Column,
        to: Column,
    },
    SetPrimaryKey {
        table: QName,
        from: Option<PrimaryKey>,
        to: Option<PrimaryKey>,
    },
    /// A constraint (or the primary key) whose definition is unchanged but whose name
    /// differs, as after a table rename (Postgres keeps the old constraint names).
    RenameConstraint {
        table: QName,
        kind: &'static str,
        from: String,
        to: String,
    },
    /// `new_table`: the table is created by the same plan (no rows to check).
    AddForeignKey {
        table: QName,
        fk: ForeignKey,
        new_table: bool,
    },
    DropForeignKey {
        table: QName,
        fk: ForeignKey,
    },
    CreateIndex {
        table: QName,
        index: Index,
    },
    DropIndex {
        table: QName,
        index: Index,
    },
    AddUnique {
        table: QName,
        unique: Unique,
    },
    DropUnique {
        table: QName,
        unique: Unique,
    },
    AddExclusion {
        table: QName,
        exclusion: Exclusion,
    },
    DropExclusion {
        table: QName,
        exclusion: Exclusion,
    },
    AddCheck {
        table: QName,
        check: Check,
    },
    DropCheck {
        table: QName,
        check: Check,
    },
    SetRls {
        table: QName,
        from: Rls,
        to: Rls,
    },
    CreateSequence(Sequence),
    DropSequence(Sequence),
    /// Type, options, owner or comment.
    AlterSequence {
        from: Sequence,
        to: Sequence,
    },
    CreateDomain(Domain),
    DropDomain(Domain),
    /// Default, NOT NULL or checks changed (a new base type cannot be altered in place).
    AlterDomain {
        from: Domain,
        to: Domain,
    },
    CreateCompositeType(CompositeType),
    DropCompositeType(CompositeType),
    CreateCollation(Collation),
    DropCollation(Collation),
    CreateBucket(Bucket),
    /// Name, visibility or upload limits changed.
    AlterBucket {
        from: Bucket,
        to: Bucket,
    },
    /// The live bucket, with its file count.
    DeleteBucket(Bucket),
    /// A collation's comment, or (dropped and created again) its provider or locale.
    AlterCollation {
        from: Collation,
        to: Collation,
    },
    /// Attributes added, dropped or retyped.
    AlterCompositeType {
        from: CompositeType,
        to: CompositeType,
    },
    /// Add the table to Supabase Realtime's `supabase_realtime` publication, or remove it.
    /// `ALTER TABLE … NO INHERIT parent`: the table keeps the columns it inherited.
    NoInherit {
        table: QName,
        parent: QName,
    },
    /// `ALTER TABLE … INHERIT parent`: its columns of the parent's merge with them.
    Inherit {
        table: QName,
        parent: QName,
    },
    /// `ALTER TABLE … SET UNLOGGED` (or `SET LOGGED`).
    SetUnlogged {
        table: QName,
        unlogged: bool,
    },
    /// `ALTER TABLE … REPLICA IDENTITY` (`None`: back to the default).
    SetReplicaIdentity {
        table: QName,
        from: Option<ReplicaIdentity>,
        to: Option<ReplicaIdentity>,
    },
    SetRealtime {
        table: QName,
        realtime: bool,
    },
    /// `ALTER TABLE parent DETACH PARTITION table`: the partition becomes a table of its own.
    DetachPartition {
        table: QName,
        parent: QName,
    },
    /// `ALTER TABLE parent ATTACH PARTITION table FOR VALUES …`.
    AttachPartition {
        table: QName,
        to: PartitionOf,
    },
    CreatePolicy(Policy),
    DropPolicy(Policy),
    /// Roles, `USING` or `WITH CHECK` changed: `ALTER POLICY`.
    AlterPolicy {
        from: Policy,
        to: Policy,
    },
    /// Command or permissiveness changed: drop and create.
    ReplacePolicy {
        from: Policy,
        to: Policy,
    },
    RenamePolicy {
        table: QName,
        from: String,
        to: String,
    },
    Grant(Grant),
    Revoke(Grant),
    CreateFunction(Function),
    DropFunction(Function),
    /// Same signature and return type: `CREATE OR REPLACE`.
    ReplaceFunction {
        from: Function,
        to: Function,
    },
    /// Signature or return type changed: drop and create (callers may break).
    RecreateFunction {
        from: Function,
        to: Function,
    },
    RenameFunction {
        from: Function,
        to: QName,
    },
    CreateTrigger(Trigger),
    DropTrigger(Trigger),
    ReplaceTrigger {
        from: Trigger,
        to: Trigger,
    },
    CreateView(View),
    DropView(View),
    ReplaceView {
        from: View,
        to: View,
    },
    SetSecret {
        name: String,
        new: bool,
    },
    DeleteSecret {
        name: String,
        used_by: Vec<String>,
    },
    DeployEdgeFunction {
        function: EdgeFunction,
        new: bool,
        from: Option<EdgeFunction>,
    },
    DeleteEdgeFunction(EdgeFunction),
}

/// Terraform's action symbols.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Create,
    Update,
    Delete,
    Replace,
    Rename,
}

impl Action {
    pub fn symbol(self) -> &'static str {
        match self {
            Action::Create => "+",
            Action::Update => "~",
            Action::Delete => "-",
            Action::Replace => "-/+",
            Action::Rename => ">",
        }
    }
}

fn part(t: &QName, kind: &'static str, name: &str) -> Address {
    Address::TablePart(t.clone(), kind, name.to_string())
}

impl Change {
    /// The address of the object the change is about.
    pub fn address(&self) -> Address {
        use Change::*;
        match self {
            CreateSchema(s) | DropSchema(s) => Address::Schema(s.name.clone()),
            GrantDefault(d) | RevokeDefault(d) => Address::DefaultPrivileges(
                d.owner.clone(),
                d.schema.clone().unwrap_or_else(|| "*".into()),
                d.on,
                d.role.clone(),
            ),
            SetSchemaComment { name, .. } => Address::Schema(name.clone()),
            CreateExtension(e) | DropExtension(e) => Address::Extension(e.name.clone()),
            UpdateExtension { to, .. } => Address::Extension(to.name.clone()),
            CreateEnum(e) | DropEnum(e) => Address::Enum(e.name.clone()),
            CreateSequence(s) | DropSequence(s) | AlterSequence { to: s, .. } => {
                Address::Sequence(s.name.clone())
            }
            CreateDomain(d) | DropDomain(d) | AlterDomain { to: d, .. } => {
                Address::Domain(d.name.clone())
            }
            CreateCompositeType(t) | DropCompositeType(t) | AlterCompositeType { to: t, .. } => {
                Address::CompositeType(t.name.clone())
            }
            CreateCollation(c) | DropCollation(c) | AlterCollation { to: c, .. } => {
                Address::Collation(c.name.clone())
            }
            CreateBucket(b) | DeleteBucket(b) | AlterBucket { to: b, .. } => {
                Address::Bucket(b.id.clone())
            }
            RenameEnum { to, .. } => Address::Enum(to.clone()),
            AddEnumValue { name, .. }
            | SetEnumComment { name, .. }
            | RenameEnumValue { name, .. } => Address::Enum(name.clone()),
            RebuildEnum { to, .. } => Address::Enum(to.name.clone()),
            CreateTable(t) | DropTable(t) => Address::Table(t.name.clone()),
            RenameTable { to, .. } => Address::Table(to.clone()),
            SetTableComment { table, .. }
            | SetRls { table, .. }
            | SetRealtime { table, .. }
            | SetReplicaIdentity { table, .. }
            | SetUnlogged { table, .. }
            | NoInherit { table, .. }
            | Inherit { table, .. }
            | DetachPartition { table, .. }
            | AttachPartition { table, .. } => Address::Table(table.clone()),
            AddColumn { table, column } | DropColumn { table, column } => {
                part(table, "column", &column.name)
            }
            RenameColumn { table, to, .. } => part(table, "column", to),
            AlterColumn { table, to, .. } => part(table, "column", &to.name),
            SetPrimaryKey { table, .. } => part(table, "primary_key", ""),
            RenameConstraint {
                table, kind, to, ..
            } => part(table, kind, if *kind == "primary_key" { "" } else { to }),
            AddForeignKey { table, fk, .. } | DropForeignKey { table, fk } => {
                part(table, "foreign_key", &fk.name)
            }
            CreateIndex { table, index } | DropIndex { table, index } => {
                part(table, "index", &index.name)
            }
            AddUnique { table, unique } | DropUnique { table, unique } => {
                part(table, "unique", &unique.name)
            }
            AddExclusion { table, exclusion } | DropExclusion { table, exclusion } => {
                part(table, "exclude", &exclusion.name)
            }
            AddCheck { table, check } | DropCheck { table, check } => {
                part(table, "check", &check.name)
            }
            CreatePolicy(p) | DropPolicy(p) => Address::Policy(p.table.clone(), p.name.clone()),
            AlterPolicy { to, .. } | ReplacePolicy { to, .. } => {
                Address::Policy(to.table.clone(), to.name.clone())
            }
            RenamePolicy { table, to, .. } => Address::Policy(table.clone(), to.clone()),
            Grant(g) | Revoke(g) => Address::Grant(g.target.clone(), g.role.clone()),
            CreateFunction(f) | DropFunction(f) => Address::Function(f.key()),
            ReplaceFunction { to, .. } | RecreateFunction { to, .. } => Address::Function(to.key()),
            RenameFunction { to, .. } => Address::Function(to.clone()),
            CreateTrigger(t) | DropTrigger(t) => Address::Trigger(t.table.clone(), t.name.clone()),
            ReplaceTrigger { to, .. } => Address::Trigger(to.table.clone(), to.name.clone()),
            CreateView(v) | DropView(v) => Address::View(v.name.clone()),
            ReplaceView { to, .. } => Address::View(to.name.clone()),
            SetSecret { name, .. } | DeleteSecret { name, .. } => Address::Secret(name.clone()),
            DeployEdgeFunction { function, .. } => Address::EdgeFunction(function.slug.clone()),
            DeleteEdgeFunction(f) => Address::EdgeFunction(f.slug.clone()),
        }
    }

    pub fn action(&self) -> Action {
        use Change::*;
        match self {
            CreateSchema(_)
            | GrantDefault(_)
            | CreateExtension(_)
            | CreateEnum(_)
            | CreateDomain(_)
            | CreateSequence(_)
            | CreateCompositeType(_)
            | CreateCollation(_)
            | CreateBucket(_)
            | CreateTable(_)
            | AddColumn { .. }
            | AddForeignKey { .. }
            | CreateIndex { .. }
            | AddUnique { .. }
            | AddExclusion { .. }
            | AddCheck { .. }
            | CreatePolicy(_)
            | Grant(_)
            | CreateFunction(_)
            | CreateTrigger(_)
            | CreateView(_) => Action::Create,
            SetSecret { new, .. } | DeployEdgeFunction { new, .. } => {
                if *new {
                    Action::Create
                } else {
                    Action::Update
                }
            }
            DropSchema(_)
            | DropExtension(_)
            | DropEnum(_)
            | DropDomain(_)
            | DropSequence(_)
            | DropCompositeType(_)
            | DropCollation(_)
            | DeleteBucket(_)
            | DropTable(_)
            | DropColumn { .. }
            | DropForeignKey { .. }
            | DropIndex { .. }
            | DropUnique { .. }
            | DropExclusion { .. }
            | DropCheck { .. }
            | DropPolicy(_)
            | Revoke(_)
            | RevokeDefault(_)
            | DropFunction(_)
            | DropTrigger(_)
            | DropView(_)
            | DeleteSecret { .. }
            | DeleteEdgeFunction(_) => Action::Delete,
            RenameEnum { .. }
            | RenameEnumValue { .. }
            | RenameTable { .. }
            | RenameColumn { .. }
            | RenamePolicy { .. }
            | RenameFunction { .. }
            | RenameConstraint { .. } => Action::Rename,
            RebuildEnum { .. } | ReplacePolicy { .. } | RecreateFunction { .. } => Action::Replace,
            UpdateExtension { .. }
            | SetSchemaComment { .. }
            | AddEnumValue { .. }
            | SetEnumComment { .. }
            | SetTableComment { .. }
            | AlterColumn { .. }
            | SetPrimaryKey { .. }
            | SetRls { .. }
            | SetRealtime { .. }
            | SetReplicaIdentity { .. }
            | SetUnlogged { .. }
            | NoInherit { .. }
            | Inherit { .. }
            | DetachPartition { .. }
            | AttachPartition { .. }
            | AlterDomain { .. }
            | AlterSequence { .. }
            | AlterCompositeType { .. }
            | AlterCollation { .. }
            | AlterBucket { .. }
            | AlterPolicy { .. }
            | ReplaceFunction { .. }
            | ReplaceTrigger { .. }
            | ReplaceView { .. } => Action::Update,
        }
    }
}

/// A suggestion attached to a diff: a drop beside an add that looks like a rename.
#[derive(Debug, Clone, PartialEq, serde::Serialize, schemars::JsonSchema)]
pub struct Hint {
    pub address: String,
    pub message: String,
}

/// What supaform owns: the addresses its state records. With `own_everything` (comparing
/// two live databases), every object of the live side counts as owned.
#[derive(Debug, Clone, Default)]
pub struct Ownership {
    pub owned: BTreeSet<String>,
    pub own_everything: bool,
    /// Grants the configuration declared when it was last applied (the state's record),
    /// by identity: one no longer declared is revoked.
    pub declared_grants: BTreeMap<GrantKey, BTreeSet<String>>,
}

impl Ownership {
    pub fn everything() -> Self {
        Ownership {
            own_everything: true,
            ..Default::default()
        }
    }

    fn owns(&self, a: &Address) -> bool {
        self.own_everything || self.owned.contains(&a.to_string())
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Diff {
    pub changes: Vec<Change>,
    /// Live objects neither desired nor owned: reported, never dropped.
    pub unmanaged: Vec<Address>,
    pub hints: Vec<Hint>,
    /// With renames: the live model as it will be once they are done (objects under their
    /// new names), which the planner reads instead of the live model.
    pub renamed_live: Option<Model>,
}

impl Diff {
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }
}

/// Compare `desired` with `live`.
pub fn diff(desired: &Model, live: &Model, own: &Ownership) -> Diff {
    // A function that has overloads on one side only is keyed by its types on both.
    let (d_keyed, l_keyed) = (
        overloads::keyed_like(desired, live),
        overloads::keyed_like(live, desired),
    );
    let desired = d_keyed.as_ref().unwrap_or(desired);
    let live = l_keyed.as_ref().unwrap_or(live);
    let mut d = Differ {
        own,
        out: Diff::default(),
    };
    // Renames first: they are planned before anything else, and the rest of the diff
    // compares against the live model as it will be once they are done.
    // (Copying the live model is skipped when the configuration declares no rename.)
    let renamed_live = if renames::declared(desired) {
        let (renames, renamed_live) = renames::apply(desired, live);
        d.out.changes.extend(renames);
        Some(renamed_live)
    } else {
        None
    };
    let live = renamed_live.as_ref().unwrap_or(live);
    // Tables whose partitioning changes are dropped and created again: the rest of the
    // diff compares against the live model without them.
    let rebuilt = partitions::rebuilt(desired, live);
    let without;
    let live = if rebuilt.is_empty() {
        live
    } else {
        d.drop_rebuilt(live, &rebuilt);
        without = partitions::without(live, &rebuilt);
        &without
    };
    d.schemas(desired, live);
    d.extensions(desired, live);
    d.collations(desired, live);
    d.buckets(desired, live);
    d.enums(desired, live);
    d.new_types(desired, live);
    d.domains(desired, live);
    d.composite_types(desired, live);
    d.sequences(desired, live);
    d.tables(desired, live);
    d.policies(desired, live);
    d.grants(desired, live);
    d.default_privileges(desired, live);
    d.functions(desired, live);
    d.triggers(desired, live);
    d.views(desired, live);
    // Secrets and Edge Functions live behind the Management API, not in these models:
    // `functions::diff` compares them with the target and the state.
    if d.out.changes.iter().any(|c| c.action() == Action::Rename) {
        d.out.renamed_live = renamed_live;
    }
    d.out
}

struct Differ<'a> {
    own: &'a Ownership,
    out: Diff,
}

impl Differ<'_> {
    fn push(&mut self, c: Change) {
        self.out.changes.push(c);
    }

    /// A live object that is not desired: dropped when owned, else reported.
    fn extra(&mut self, addr: Address, drop: Change) {
        if self.own.owns(&addr) {
            self.push(drop);
        } else {
            self.out.unmanaged.push(addr);
        }
    }

    /// Columns both sides have, in another order: said, not changed (reordering rebuilds
    /// the table; a new column goes at the end, as `ADD COLUMN` puts it).
    fn column_order(&mut self, table: &QName, lcols: &[Column], tcols: &[Column]) {
        let want: Vec<&str> = tcols
            .iter()
            .map(|c| c.renamed_from.as_deref().unwrap_or(&c.name))
            .filter(|n| lcols.iter().any(|l| l.name == *n))
            .collect();
        let have: Vec<&str> = lcols
            .iter()
            .map(|c| c.name.as_str())
            .filter(|n| want.contains(n))
            .collect();
        if have != want {
            self.hint(
                &Address::Table(table.clone()),
                format!(
                    "the column order differs (now {}; wanted {}): supaform does not reorder columns, which would rebuild the table",
                    have.join(", "),
                    want.join(", ")
                ),
            );
        }
    }

    fn hint(&mut self, addr: &Address, message: String) {
        self.out.hints.push(Hint {
            address: addr.to_string(),
            message,
        });
    }

    fn schemas(&mut self, desired: &Model, live: &Model) {
        for (name, s) in &desired.schemas {
            match live.schemas.get(name) {
                None => self.push(Change::CreateSchema(s.clone())),
                Some(l) if l.comment != s.comment => self.push(Change::SetSchemaComment {
                    name: name.clone(),
                    comment: s.comment.clone(),
                }),
                Some(_) => {}
            }
        }
        for (name, s) in &live.schemas {
            if !desired.schemas.contains_key(name) {
                self.extra(Address::Schema(name.clone()), Change::DropSchema(s.clone()));
            }
        }
    }

    fn extensions(&mut self, desired: &Model, live: &Model) {
        for (name, e) in &desired.extensions {
            match live.extensions.get(name) {
                None => self.push(Change::CreateExtension(e.clone())),
                Some(l) => {
                    if e.version.is_some() && e.version != l.version {
                        self.push(Change::UpdateExtension {
                            from: l.clone(),
                            to: e.clone(),
                        });
                    }
                }
            }
        }
        for (name, e) in &live.extensions {
            // Extensions the platform installs (in `extensions`, `pg_catalog`, …) are not
            // the project's to manage or report.
            let platform =
                is_platform_schema(&e.schema) && !self.own.owns(&Address::Extension(name.clone()));
            if !desired.extensions.contains_key(name) && !platform {
                self.extra(
                    Address::Extension(name.clone()),
                    Change::DropExtension(e.clone()),
                );
            }
        }
    }

    fn enums(&mut self, desired: &Model, live: &Model) {
        for (name, e) in &desired.enums {
            let Some(l) = live.enums.get(name) else {
                self.push(Change::CreateEnum(e.clone()));
                continue;
            };
            self.enum_values(live, l, e);
            if l.comment != e.comment {
                self.push(Change::SetEnumComment {
                    name: name.clone(),
                    comment: e.comment.clone(),
                });
            }
        }
        for (name, e) in &live.enums {
            if !desired.enums.contains_key(name) {
                let addr = Address::Enum(name.clone());
                let new = desired
                    .enums
                    .values()
                    .find(|d| !live.enums.contains_key(&d.name) && d.values == e.values);
                if let (Some(new), true) = (new, self.own.owns(&addr)) {
                    self.hint(
                        &addr,
                        format!(
                            "enum {} is dropped while {} is created with the same values; if it was renamed, add `renamed_from = \"{}\"` to enum \"{}\" to keep the columns using it",
                            e.name, new.name, e.name.name, new.name.name
                        ),
                    );
                }
                self.extra(addr, Change::DropEnum(e.clone()));
            }
        }
    }

    /// Values only added (old ones kept, in their order): `ADD VALUE` each; anything else
    /// rebuilds the type.
    fn enum_values(&mut self, live: &Model, l: &Enum, e: &Enum) {
        if l.values == e.values {
            return;
        }
        let kept: Vec<&String> = e.values.iter().filter(|v| l.values.contains(v)).collect();
        let only_added =
            kept.len() == l.values.len() && kept.iter().zip(&l.values).all(|(a, b)| *a == b);
        if only_added {
            for (i, v) in e.values.iter().enumerate() {
                if l.values.contains(v) {
                    continue;
                }
                // Before the next value that already exists; at the end when none does.
                let before = e.values[i + 1..]
                    .iter()
                    .find(|n| l.values.contains(n))
                    .cloned();
                self.push(Change::AddEnumValue {
                    name: e.name.clone(),
                    value: v.clone(),
                    before,
                });
            }
            return;
        }
        // A value gone and a new one in its place looks like a rename: say how to keep the
        // rows holding it (the rebuild fails on them).
        if l.values.len() == e.values.len() {
            for (old, new) in l.values.iter().zip(&e.values) {
                if old != new && !e.values.contains(old) && !l.values.contains(new) {
                    self.hint(
                        &Address::Enum(e.name.clone()),
                        format!(
                            "value '{old}' of enum {} is removed and '{new}' added in its place; if it was renamed, add `renamed_values = {{ {} = {} }}` to enum \"{}\" to keep the rows holding it",
                            e.name,
                            crate::config::write::hcl_key(new),
                            crate::config::write::hcl_string(old),
                            e.name.name
                        ),
                    );
                }
            }
        }
        // Columns of the type, and of arrays of it (`status[]`, which introspection does
        // not tie to the enum).
        let array = format!("{}[]", crate::config::format_type_name(&l.name));
        let columns = live
            .tables
            .values()
            .flat_map(|t| {
                t.columns
                    .iter()
                    .filter(|c| c.enum_type.as_ref() == Some(&l.name) || c.data_type == array)
                    .map(|c| (t.name.clone(), c.name.clone()))
            })
            .collect();
        self.push(Change::RebuildEnum {
            from: l.clone(),
            to: e.clone(),
            columns,
        });
    }

    fn tables(&mut self, desired: &Model, live: &Model) {
        let mut created: Vec<&Table> = Vec::new();
        for (name, t) in &desired.tables {
            match live.tables.get(name) {
                Some(l) => self.table(desired, live, l, t),
                None => {
                    self.push(Change::CreateTable(t.clone()));
                    if t.replica_identity.is_some() {
                        self.push(Change::SetReplicaIdentity {
                            table: t.name.clone(),
                            from: None,
                            to: t.replica_identity.clone(),
                        });
                    }
                    if t.realtime == Some(true) {
                        self.push(Change::SetRealtime {
                            table: t.name.clone(),
                            realtime: true,
                        });
                    }
                    created.push(t);
                }
            }
        }
        // Foreign keys of new tables come after every table exists.
        for t in &created {
            for fk in &t.foreign_keys {
                self.push(Change::AddForeignKey {
                    table: t.name.clone(),
                    fk: fk.clone(),
                    new_table: true,
                });
            }
        }
        for (name, l) in &live.tables {
            if desired.tables.contains_key(name) {
                continue;
            }
            let addr = Address::Table(name.clone());
            if let Some(new) = created.iter().find(|c| looks_like(c, l)) {
                self.hint(
                    &addr,
                    format!(
                        "table {} is dropped while {} is created with the same columns; if it was renamed, add `renamed_from = \"{}\"` to table \"{}\" to keep its rows",
                        l.name, new.name, l.name.name, new.name.name
                    ),
                );
            }
            self.extra(addr, Change::DropTable(l.clone()));
        }
    }

    fn table(&mut self, desired: &Model, live: &Model, l: &Table, t: &Table) {
        let name = &t.name;
        if l.comment != t.comment {
            self.push(Change::SetTableComment {
                table: name.clone(),
                comment: t.comment.clone(),
            });
        }
        let attach = self.partition_of(l, t);
        // Columns, in the desired order. A partition's are its parent's: compared there,
        // unless the table joins or leaves a partitioned table (then its columns are
        // compared with those it will have, before it is attached or once detached).
        let (mut lcols, tcols) = partitions::columns_to_compare(desired, live, l, t);
        inheritance::adjust(desired, live, l, t, &mut lcols, &tcols);
        self.inheritance(l, t);
        self.column_order(name, &lcols, &tcols);
        let mut added: Vec<&Column> = Vec::new();
        for c in &tcols {
            match lcols.iter().find(|x| x.name == c.name) {
                Some(lc) if !lc.same_but_rename(c) => {
                    let mut lc = lc.clone();
                    lc.renamed_from = c.renamed_from.clone();
                    self.push(Change::AlterColumn {
                        table: name.clone(),
                        from: lc,
                        to: c.clone(),
                    });
                }
                Some(_) => {}
                None => {
                    self.push(Change::AddColumn {
                        table: name.clone(),
                        column: c.clone(),
                    });
                    added.push(c);
                }
            }
        }
        for lc in &lcols {
            if tcols.iter().any(|c| c.name == lc.name) {
                continue;
            }
            if let Some(new) = added
                .iter()
                .find(|a| a.data_type == lc.data_type && a.nullable == lc.nullable)
            {
                self.hint(
                    &part(name, "column", &lc.name),
                    format!(
                        "column {} is dropped while {} of the same type is added; if it was renamed, add `renamed_from = \"{}\"` to column \"{}\" to keep its data",
                        lc.name, new.name, lc.name, new.name
                    ),
                );
            }
            self.push(Change::DropColumn {
                table: name.clone(),
                column: lc.clone(),
            });
        }

        // Constraints and indexes: a partition leaving its parent keeps what it inherited,
        // and one joining it adopts what matches the parent's.
        let l_now;
        let l = match (l.is_partition(), t.is_partition()) {
            (true, false) => {
                l_now = l.detached();
                &l_now
            }
            (false, true) => {
                l_now = l.attaching(t);
                &l_now
            }
            _ => l,
        };
        match (&l.primary_key, &t.primary_key) {
            (Some(a), Some(b)) if a.columns == b.columns && a.name != b.name => {
                self.push(Change::RenameConstraint {
                    table: name.clone(),
                    kind: "primary_key",
                    from: a.name.clone().unwrap_or_default(),
                    to: b.name.clone().unwrap_or_default(),
                })
            }
            (a, b) if a != b => self.push(Change::SetPrimaryKey {
                table: name.clone(),
                from: a.clone(),
                to: b.clone(),
            }),
            _ => {}
        }
        let tq = || name.clone();
        let (drop, add) = by_name(&l.foreign_keys, &t.foreign_keys, |f| &f.name);
        for fk in drop {
            self.push(Change::DropForeignKey { table: tq(), fk });
        }
        for fk in add {
            self.push(Change::AddForeignKey {
                table: tq(),
                fk,
                new_table: false,
            });
        }
        let (drop, add) = by_name(&l.indexes, &t.indexes, |i| &i.name);
        for index in drop {
            self.push(Change::DropIndex { table: tq(), index });
        }
        for index in add {
            self.push(Change::CreateIndex { table: tq(), index });
        }
        let (drop, add) = by_name(&l.uniques, &t.uniques, |u| &u.name);
        for unique in drop {
            self.push(Change::DropUnique {
                table: tq(),
                unique,
            });
        }
        for unique in add {
            self.push(Change::AddUnique {
                table: tq(),
                unique,
            });
        }
        let (drop, add) = by_name(&l.exclusions, &t.exclusions, |x| &x.name);
        for exclusion in drop {
            self.push(Change::DropExclusion {
                table: tq(),
                exclusion,
            });
        }
        for exclusion in add {
            self.push(Change::AddExclusion {
                table: tq(),
                exclusion,
            });
        }
        let (drop, add) = by_name(&l.checks, &t.checks, |c| &c.name);
        for check in drop {
            self.push(Change::DropCheck { table: tq(), check });
        }
        for check in add {
            self.push(Change::AddCheck { table: tq(), check });
        }
        if l.rls != t.rls {
            self.push(Change::SetRls {
                table: name.clone(),
                from: l.rls,
                to: t.rls,
            });
        }
        if l.unlogged != t.unlogged {
            self.push(Change::SetUnlogged {
                table: name.clone(),
                unlogged: t.unlogged,
            });
        }
        if l.replica_identity != t.replica_identity {
            self.push(Change::SetReplicaIdentity {
                table: name.clone(),
                from: l.replica_identity.clone(),
                to: t.replica_identity.clone(),
            });
        }
        // Only what the configuration says: without `realtime`, membership is left alone.
        if let Some(want) = t.realtime {
            if l.realtime.unwrap_or(false) != want {
                self.push(Change::SetRealtime {
                    table: name.clone(),
                    realtime: want,
                });
            }
        }
        if let Some(attach) = attach {
            self.push(attach);
        }
    }

    fn policies(&mut self, desired: &Model, live: &Model) {
        for (key, p) in &desired.policies {
            let Some(l) = live.policies.get(key) else {
                self.push(Change::CreatePolicy(p.clone()));
                continue;
            };
            let mut l = l.clone();
            l.renamed_from = p.renamed_from.clone();
            if &l == p {
                continue;
            }
            if l.command != p.command || l.permissive != p.permissive {
                self.push(Change::ReplacePolicy {
                    from: l,
                    to: p.clone(),
                });
            } else {
                self.push(Change::AlterPolicy {
                    from: l,
                    to: p.clone(),
                });
            }
        }
        for (key, l) in &live.policies {
            if desired.policies.contains_key(key) {
                continue;
            }
            // A policy on a table this plan drops goes with the table.
            if !self.drops_table(&key.0) {
                let addr = Address::Policy(key.0.clone(), key.1.clone());
                let new = desired.policies.values().find(|d| {
                    d.table == l.table
                        && !live
                            .policies
                            .contains_key(&(d.table.clone(), d.name.clone()))
                        && d.command == l.command
                        && d.using == l.using
                        && d.check == l.check
                });
                if let (Some(new), true) = (new, self.own.owns(&addr)) {
                    self.hint(
                        &addr,
                        format!(
                            "policy {} is dropped while {} is created with the same expressions; if it was renamed, add `renamed_from = \"{}\"` to policy \"{}\" to keep the table protected throughout",
                            l.name, new.name, l.name, new.name
                        ),
                    );
                }
                self.extra(
                    Address::Policy(key.0.clone(), key.1.clone()),
                    Change::DropPolicy(l.clone()),
                );
            }
        }
    }

    fn drops_table(&self, t: &QName) -> bool {
        self.out
            .changes
            .iter()
            .any(|c| matches!(c, Change::DropTable(x) if &x.name == t))
    }

    /// Default privileges. With a configuration, each (owner, schema, kind, grantee) a
    /// `default_privileges` block declares gets exactly its privileges and the rest is left
    /// alone; comparing two databases, every entry of either side counts. An entry without
    /// a schema is the owner's default in every schema.
    fn default_privileges(&mut self, desired: &Model, live: &Model) {
        type Key = (String, Option<String>, DefaultPrivilegeOn, String);
        let key = |d: &DefaultPrivilege| -> Option<Key> {
            Some((d.owner.clone(), d.schema.clone(), d.on, d.role.clone()))
        };
        let index = |m: &Model| -> BTreeMap<Key, BTreeSet<String>> {
            let mut out: BTreeMap<Key, BTreeSet<String>> = BTreeMap::new();
            for d in &m.default_privileges {
                if let Some(k) = key(d) {
                    out.entry(k)
                        .or_default()
                        .extend(d.privileges.iter().cloned());
                }
            }
            out
        };
        let (want, have) = (index(desired), index(live));
        let mut keys: BTreeSet<&Key> = want.keys().collect();
        if desired.grant_scope.is_none() {
            keys.extend(have.keys());
        }
        let empty = BTreeSet::new();
        for k in keys {
            let w = want.get(k).unwrap_or(&empty);
            let h = have.get(k).unwrap_or(&empty);
            let entry = |privileges: Vec<String>| {
                let mut privileges = privileges;
                privileges.sort_by_key(|p| privilege_rank(p));
                DefaultPrivilege {
                    owner: k.0.clone(),
                    schema: k.1.clone(),
                    on: k.2,
                    role: k.3.clone(),
                    privileges,
                }
            };
            let missing: Vec<String> = w.difference(h).cloned().collect();
            let extra: Vec<String> = h.difference(w).cloned().collect();
            if !extra.is_empty() {
                self.push(Change::RevokeDefault(entry(extra)));
            }
            if !missing.is_empty() {
                self.push(Change::GrantDefault(entry(missing)));
            }
        }
    }

    /// Grants. With a configuration (`grant_scope`), each managed (object, role, columns)
    /// gets exactly its declared privileges and the rest is left alone; comparing two
    /// databases, every grant of a managed role on a desired object counts.
    fn grants(&mut self, desired: &Model, live: &Model) {
        // Grant options count as entries of their own (`SELECT WITH GRANT OPTION`).
        let want = grant_options_by_key(&desired.grants);
        let have = grant_options_by_key(&live.grants);
        // Sequences the desired model holds, once (serial and identity columns imply some).
        let sequences = desired.sequence_names();
        let target_in = |m: &Model, t: &GrantTarget| target_in(m, &sequences, t);
        let in_scope = |k: &GrantKey| match &desired.grant_scope {
            Some(scope) => scope.contains(k),
            // Comparing two databases (and rebuilding one in a scratch copy), every role's
            // grants count: PUBLIC's EXECUTE on a function, a grant to a role of the
            // project's own, WITH GRANT OPTION holders — a difference there must not hide
            // behind `No changes.`.
            None => target_in(desired, &k.0),
        };
        // The grant (or revoke) of `privileges` on `key`'s object and columns to its role.
        let grant_of =
            |key: &GrantKey, privileges: BTreeSet<String>| Grant::from_set(key, &privileges, false);
        let revoke_of =
            |key: &GrantKey, privileges: BTreeSet<String>| Grant::from_set(key, &privileges, true);
        let empty = BTreeSet::new();
        let mut keys: BTreeSet<&GrantKey> = want.keys().collect();
        keys.extend(have.keys());
        let mut revokes = Vec::new();
        for key in keys {
            // Comparing two databases, a grant the desired side holds is always planned.
            let wanted_live = desired.grant_scope.is_none() && want.contains_key(key);
            if !(in_scope(key) || wanted_live) {
                continue;
            }
            let w = want.get(key).unwrap_or(&empty);
            let h = have.get(key).unwrap_or(&empty);
            let missing: BTreeSet<String> = w.difference(h).cloned().collect();
            let extra: BTreeSet<String> = h.difference(w).cloned().collect();
            if !missing.is_empty() {
                self.push(Change::Grant(grant_of(key, missing)));
            }
            if !extra.is_empty() && in_scope(key) {
                revokes.push(Change::Revoke(revoke_of(key, extra)));
            }
        }
        // A grant block applied before and removed since: what it declared is revoked
        // (from an object that stays; a dropped object takes its grants along). Only when
        // no block declares anything for that object and role any more: column privileges
        // and a table-wide revoke overlap, so a changed column list is left to the blocks
        // that remain (docs/architecture.md, Planner limitations).
        let declared_now = |k: &GrantKey| {
            desired
                .grant_scope
                .as_ref()
                .is_some_and(|s| s.iter().any(|d| d.0 == k.0 && d.1 == k.1))
        };
        for (key, declared) in &self.own.declared_grants {
            if declared_now(key)
                || !target_in(desired, &key.0)
                || !desired.project.managed_roles.contains(&key.1)
            {
                continue;
            }
            let h = have.get(key).unwrap_or(&empty);
            let gone: BTreeSet<String> = declared.intersection(h).cloned().collect();
            if !gone.is_empty() {
                revokes.push(Change::Revoke(revoke_of(key, gone)));
            }
        }
        self.out.changes.extend(revokes);
    }

    fn functions(&mut self, desired: &Model, live: &Model) {
        for (name, f) in &desired.functions {
            let Some(l) = live.functions.get(name) else {
                self.push(Change::CreateFunction(f.clone()));
                continue;
            };
            let mut l = l.clone();
            l.renamed_from = f.renamed_from.clone();
            if &l == f {
                continue;
            }
            let in_types = |x: &Function| -> Vec<String> {
                x.args
                    .iter()
                    .filter(|a| a.mode != ArgMode::Out)
                    .map(|a| a.data_type.clone())
                    .collect()
            };
            let same_signature = in_types(&l) == in_types(f)
                && l.returns == f.returns
                && l.procedure == f.procedure
                && l.args
                    .iter()
                    .map(|a| (&a.name, a.mode))
                    .eq(f.args.iter().map(|a| (&a.name, a.mode)));
            if same_signature {
                self.push(Change::ReplaceFunction {
                    from: l,
                    to: f.clone(),
                });
            } else {
                self.push(Change::RecreateFunction {
                    from: l,
                    to: f.clone(),
                });
            }
        }
        for (name, l) in &live.functions {
            if !desired.functions.contains_key(name) {
                let addr = Address::Function(name.clone());
                let new = desired.functions.values().find(|d| {
                    !live.functions.contains_key(&d.name)
                        && d.returns == l.returns
                        && d.body == l.body
                        && d.args
                            .iter()
                            .map(|a| &a.data_type)
                            .eq(l.args.iter().map(|a| &a.data_type))
                });
                if let (Some(new), true) = (new, self.own.owns(&addr)) {
                    self.hint(
                        &addr,
                        format!(
                            "function {} is dropped while {} is created with the same body; if it was renamed, add `renamed_from = \"{}\"` to function \"{}\" to keep its grants and the triggers using it",
                            l.name, new.name, l.name.name, new.name.name
                        ),
                    );
                }
                self.extra(
                    Address::Function(name.clone()),
                    Change::DropFunction(l.clone()),
                );
            }
        }
    }

    fn triggers(&mut self, desired: &Model, live: &Model) {
        for (key, t) in &desired.triggers {
            match live.triggers.get(key) {
                None => self.push(Change::CreateTrigger(t.clone())),
                Some(l) if l != t => self.push(Change::ReplaceTrigger {
                    from: l.clone(),
                    to: t.clone(),
                }),
                Some(_) => {}
            }
        }
        for (key, l) in &live.triggers {
            if !desired.triggers.contains_key(key) && !self.drops_table(&key.0) {
                self.extra(
                    Address::Trigger(key.0.clone(), key.1.clone()),
                    Change::DropTrigger(l.clone()),
                );
            }
        }
    }

    fn views(&mut self, desired: &Model, live: &Model) {
        // Tables this plan drops: a kept view reading one (now under the same name as
        // something else) is dropped before it and created again after.
        let dropped: Vec<QName> = self
            .out
            .changes
            .iter()
            .filter_map(|c| match c {
                Change::DropTable(t) => Some(t.name.clone()),
                _ => None,
            })
            .collect();
        for (name, v) in &desired.views {
            let Some(l) = live.views.get(name) else {
                self.push(Change::CreateView(v.clone()));
                continue;
            };
            if dropped.iter().any(|t| reads(&l.query, t)) {
                self.push(Change::DropView(l.clone()));
                self.push(Change::CreateView(v.clone()));
                continue;
            }
            // A materialized view's indexes change on their own; the view is only
            // replaced (with its indexes) when the rest differs.
            let bare = |x: &View| View {
                indexes: vec![],
                ..x.clone()
            };
            if bare(l) != bare(v) {
                self.push(Change::ReplaceView {
                    from: l.clone(),
                    to: v.clone(),
                });
            } else if l.indexes != v.indexes {
                let (drop, add) = by_name(&l.indexes, &v.indexes, |i| &i.name);
                for index in drop {
                    self.push(Change::DropIndex {
                        table: name.clone(),
                        index,
                    });
                }
                for index in add {
                    self.push(Change::CreateIndex {
                        table: name.clone(),
                        index,
                    });
                }
            }
        }
        for (name, l) in &live.views {
            if !desired.views.contains_key(name) {
                self.extra(Address::View(name.clone()), Change::DropView(l.clone()));
            }
        }
    }
}

/// Whether a view's query (as introspected: names schema-qualified) reads relation `q`.
fn reads(query: &str, q: &QName) -> bool {
    let qualified = format!(
        "{}.{}",
        crate::quote::ident_if_needed(&q.schema),
        crate::quote::ident_if_needed(&q.name)
    );
    query.match_indices(&qualified).any(|(i, _)| {
        let after = query[i + qualified.len()..].chars().next();
        let before = query[..i].chars().next_back();
        let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.');
        !word(after) && !word(before)
    })
}

/// Compare two lists of named parts: what to drop (changed or gone) and what to add
/// (changed or new).
fn by_name<T: Clone + PartialEq>(
    live: &[T],
    desired: &[T],
    name: impl Fn(&T) -> &String,
) -> (Vec<T>, Vec<T>) {
    let drop = live
        .iter()
        .filter(|l| !desired.iter().any(|d| name(d) == name(l) && d == *l))
        .cloned()
        .collect();
    let add = desired
        .iter()
        .filter(|d| !live.iter().any(|l| name(l) == name(d) && l == *d))
        .cloned()
        .collect();
    (drop, add)
}

/// Two tables with the same column names and types.
fn looks_like(a: &Table, b: &Table) -> bool {
    !a.columns.is_empty()
        && a.columns.len() == b.columns.len()
        && a.columns
            .iter()
            .zip(&b.columns)
            .all(|(x, y)| x.name == y.name && x.data_type == y.data_type)
}

/// Whether `m` holds the object of a grant; `sequences` are `m.sequence_names()`.
fn target_in(m: &Model, sequences: &BTreeSet<QName>, t: &GrantTarget) -> bool {
    match t {
        GrantTarget::Table(q) => m.tables.contains_key(q) || m.views.contains_key(q),
        GrantTarget::Function(q) => m.functions.contains_key(q),
        GrantTarget::Schema(s) => m.project.schemas.contains(s) || m.schemas.contains_key(s),
        GrantTarget::Sequence(q) => sequences.contains(q),
    }
}

#[cfg(test)]
mod tests;
