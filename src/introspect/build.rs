//! Catalog rows (JSON) → model objects, in exactly the shape the config lowers to.

use super::parse::{arg_default, classify_default, split_top_level, trigger_when};
use super::{IntrospectError, IntrospectOptions, Live, Unmanaged};
use crate::model::*;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// One privilege of one grantee, read from an `aclitem`.
#[derive(Debug, PartialEq, Eq)]
struct AclRow {
    grantee: String,
    privilege: String,
    /// Held `WITH GRANT OPTION` (`*` after its letter).
    grantable: bool,
}

// The row structs below are decoded from positional JSON arrays: their fields must be in
// the order of the `/*key*/` comments of their query in `queries.rs` (a test checks it).

#[derive(Deserialize)]
struct SchemaRow {
    name: String,
    comment: Option<String>,
    owner: String,
    acl: Option<Vec<String>>,
}

#[derive(Deserialize)]
struct RelRow {
    oid: u32,
    schema: String,
    name: String,
    kind: String,
    rls: bool,
    force: bool,
    partkey: Option<String>,
    parent: Option<u32>,
    bound: Option<String>,
    inherits: Option<Vec<u32>>,
    #[serde(default)]
    replident: String,
    #[serde(default)]
    persistence: String,
    replident_index: Option<String>,
    estimate: i64,
    options: Option<Vec<String>>,
    comment: Option<String>,
    view: Option<String>,
    owner: Option<String>,
    acl: Option<Vec<String>>,
}

#[derive(Deserialize)]
struct ColRow {
    rel: u32,
    num: i32,
    name: String,
    #[serde(rename = "type")]
    type_: String,
    typoid: u32,
    notnull: bool,
    default: Option<String>,
    identity: String,
    generated: String,
    #[serde(default)]
    inherited: bool,
    collation: Option<String>,
    comment: Option<String>,
    owner: Option<String>,
    acl: Option<Vec<String>>,
}

#[derive(Deserialize)]
struct RefColRow {
    rel: u32,
    num: i32,
    name: String,
}

#[derive(Deserialize)]
struct ConRow {
    rel: u32,
    name: String,
    #[serde(rename = "type")]
    type_: String,
    keys: Option<Vec<i32>>,
    ref_rel: u32,
    ref_schema: Option<String>,
    ref_table: Option<String>,
    ref_keys: Option<Vec<i32>>,
    on_delete: String,
    on_update: String,
    deferrable: bool,
    deferred: bool,
    expr: Option<String>,
    nnd: Option<bool>,
    valid: bool,
    #[serde(default = "yes")]
    local: bool,
    parent_rel: Option<u32>,
    #[serde(default)]
    noinherit: bool,
}

fn yes() -> bool {
    true
}

#[derive(Deserialize)]
struct OpclassRow {
    oid: u32,
    name: String,
}

#[derive(Deserialize)]
struct IndexRow {
    rel: u32,
    name: String,
    unique: bool,
    valid: bool,
    #[serde(default)]
    partition: bool,
    method: String,
    nkey: usize,
    keys: Vec<i32>,
    options: Vec<i32>,
    opclasses: Vec<u32>,
    defs: Option<Vec<Option<String>>>,
    pred: Option<String>,
}

#[derive(Deserialize)]
struct TypeRow {
    oid: u32,
    schema: String,
    name: String,
    kind: String,
    values: Option<Vec<String>>,
    comment: Option<String>,
    base: Option<String>,
    not_null: bool,
    default: Option<String>,
    checks: Option<Vec<(String, String, bool)>>,
    collation: Option<String>,
    attributes: Option<Vec<(String, String)>>,
}

#[derive(Deserialize)]
struct PolicyRow {
    schema: String,
    table: String,
    name: String,
    cmd: String,
    permissive: bool,
    roles: Option<Vec<String>>,
    using: Option<String>,
    check: Option<String>,
}

#[derive(Deserialize)]
struct TriggerRow {
    schema: String,
    table: String,
    name: String,
    #[serde(rename = "type")]
    type_: i32,
    cols: Option<Vec<String>>,
    fschema: String,
    fname: String,
    nargs: i32,
    args: Option<Vec<String>>,
    constraint: bool,
    def: String,
}

#[derive(Deserialize)]
struct FuncRow {
    schema: String,
    name: String,
    kind: String,
    args: String,
    identity_args: String,
    result: Option<String>,
    lang: String,
    secdef: bool,
    volatility: String,
    strict: bool,
    rows: Option<u32>,
    parallel: String,
    config: Option<Vec<String>>,
    src: Option<String>,
    sqlbody: Option<String>,
    argnames: Option<Vec<String>>,
    argmodes: Option<Vec<String>>,
    argtypes: Option<Vec<String>>,
    comment: Option<String>,
    owner: String,
    acl: Option<Vec<String>>,
}

#[derive(Deserialize)]
struct ExtRow {
    name: String,
    schema: String,
    version: String,
}

#[derive(Deserialize)]
struct DefAclRow {
    owner: String,
    /// `None`: the owner's defaults in every schema (`ALTER DEFAULT PRIVILEGES` without
    /// `IN SCHEMA`), which replace Postgres' built-in ones.
    schema: Option<String>,
    #[serde(rename = "type")]
    type_: String,
    acl: Option<Vec<String>>,
}

#[derive(Deserialize)]
struct OwnedSeqRow {
    seq: u32,
    rel: u32,
    col: String,
    deptype: String,
}

/// The default privileges of `pg_default_acl` rows, one entry per owner, schema, kind and
/// grantee.
fn default_privileges_of(defacls: &[DefAclRow]) -> Result<Vec<DefaultPrivilege>, IntrospectError> {
    let mut out = Vec::new();
    for d in defacls {
        let on = on_of(&d.type_);
        let mut by_role: BTreeMap<String, Vec<String>> = BTreeMap::new();
        // In a row for one schema every entry is a grant, the owner's own included.
        let owner = d.schema.is_none().then_some(d.owner.as_str());
        for a in parse_acl("default_acls", d.acl.as_deref(), owner)? {
            by_role.entry(a.grantee).or_default().push(a.privilege);
        }
        for (role, privileges) in by_role {
            // A row for every schema is the owner's whole default ACL: its own entry is
            // what the owner always has, not a grant.
            if d.schema.is_none() && role == d.owner {
                continue;
            }
            out.push(DefaultPrivilege {
                owner: d.owner.clone(),
                schema: d.schema.clone(),
                on,
                role,
                privileges,
            });
        }
    }
    // Without a row of its own, `postgres` (the role Supabase creates objects as) has
    // Postgres' built-in defaults everywhere: new functions executable by PUBLIC, new types
    // usable by PUBLIC. Spelt out, so that revoking them is a difference.
    for (on, privilege) in [
        (DefaultPrivilegeOn::Functions, "EXECUTE"),
        (DefaultPrivilegeOn::Types, "USAGE"),
    ] {
        let has_row = defacls
            .iter()
            .any(|d| d.owner == "postgres" && d.schema.is_none() && on_of(&d.type_) == on);
        if !has_row {
            out.push(DefaultPrivilege {
                owner: "postgres".into(),
                schema: None,
                on,
                role: "public".into(),
                privileges: vec![privilege.into()],
            });
        }
    }
    Ok(out)
}

fn on_of(t: &str) -> DefaultPrivilegeOn {
    match t {
        "r" => DefaultPrivilegeOn::Tables,
        "S" => DefaultPrivilegeOn::Sequences,
        "f" => DefaultPrivilegeOn::Functions,
        "T" => DefaultPrivilegeOn::Types,
        _ => DefaultPrivilegeOn::Schemas,
    }
}

/// [`default_privileges_of`] the `default_acls` query's document.
pub(super) fn default_privileges(doc: &str) -> Result<Vec<DefaultPrivilege>, IntrospectError> {
    default_privileges_of(&decode::<DefAclRow>("default_acls", doc)?)
}

pub(super) fn decode<T: DeserializeOwned>(
    what: &str,
    doc: &str,
) -> Result<Vec<T>, IntrospectError> {
    serde_json::from_str(doc).map_err(|e| IntrospectError::Decode {
        what: what.to_string(),
        reason: e.to_string(),
    })
}

/// The privilege an `aclitem` letter stands for (`aclitemout`'s letters, PostgreSQL 14–17).
fn privilege_of_letter(c: char) -> Option<&'static str> {
    Some(match c {
        'a' => "INSERT",
        'r' => "SELECT",
        'w' => "UPDATE",
        'd' => "DELETE",
        'D' => "TRUNCATE",
        'x' => "REFERENCES",
        't' => "TRIGGER",
        'X' => "EXECUTE",
        'U' => "USAGE",
        'C' => "CREATE",
        'T' => "TEMPORARY",
        'c' => "CONNECT",
        's' => "SET",
        'A' => "ALTER SYSTEM",
        'm' => "MAINTAIN",
        _ => return None,
    })
}

/// A role name at the start of an `aclitem` text, double-quoted when it needs it (`""` for
/// a quote inside), and what follows it.
fn acl_name(s: &str) -> Option<(String, &str)> {
    let Some(quoted) = s.strip_prefix('"') else {
        let end = s.find(['=', '/']).unwrap_or(s.len());
        return Some((s[..end].to_string(), &s[end..]));
    };
    let mut name = String::new();
    let mut chars = quoted.char_indices();
    while let Some((i, c)) = chars.next() {
        if c == '"' {
            if quoted[i + 1..].starts_with('"') {
                name.push('"');
                chars.next();
                continue;
            }
            return Some((name, &quoted[i + 1..]));
        }
        name.push(c);
    }
    None
}

/// The privileges of ACL items in their text form (`grantee=arw*/grantor`; an empty
/// grantee is PUBLIC), except those the object's `owner` holds, each with its grant
/// option (`*`).
fn parse_acl(
    what: &str,
    items: Option<&[String]>,
    owner: Option<&str>,
) -> Result<Vec<AclRow>, IntrospectError> {
    let bad = |item: &str| IntrospectError::Decode {
        what: what.to_string(),
        reason: format!("unreadable ACL item {item:?}"),
    };
    let mut out = Vec::new();
    for item in items.unwrap_or(&[]) {
        let (grantee, rest) = acl_name(item).ok_or_else(|| bad(item))?;
        let privileges = rest.strip_prefix('=').ok_or_else(|| bad(item))?;
        let privileges = privileges.split('/').next().unwrap_or("");
        if owner == Some(grantee.as_str()) {
            continue;
        }
        let grantee = if grantee.is_empty() {
            "public".to_string()
        } else {
            grantee
        };
        let mut letters = privileges.chars().peekable();
        while let Some(c) = letters.next() {
            let privilege = privilege_of_letter(c).ok_or_else(|| bad(item))?;
            let grantable = letters.next_if_eq(&'*').is_some();
            out.push(AclRow {
                grantee: grantee.clone(),
                privilege: privilege.to_string(),
                grantable,
            });
        }
    }
    Ok(out)
}

fn fk_action(c: &str) -> FkAction {
    match c {
        "r" => FkAction::Restrict,
        "c" => FkAction::Cascade,
        "n" => FkAction::SetNull,
        "d" => FkAction::SetDefault,
        _ => FkAction::NoAction,
    }
}

/// Grants from ACL rows: one `Grant` per role, privileges in canonical order.
fn object_grants(target: &GrantTarget, acl: &[AclRow], out: &mut Vec<Grant>) {
    let mut by_role: BTreeMap<String, Vec<(String, bool)>> = BTreeMap::new();
    for a in acl {
        by_role
            .entry(a.grantee.clone())
            .or_default()
            .push((a.privilege.clone(), a.grantable));
    }
    for (role, privileges) in by_role {
        out.push(grant_of_rows(target.clone(), role, vec![], privileges));
    }
}

/// One role's grant of `privileges` (each with its grant option), in canonical order.
fn grant_of_rows(
    target: GrantTarget,
    role: String,
    columns: Vec<String>,
    rows: Vec<(String, bool)>,
) -> Grant {
    let sorted = |mut v: Vec<String>| {
        v.sort_by_key(|p| privilege_rank(p));
        v.dedup();
        v
    };
    let grantable = rows.iter().filter(|r| r.1).map(|r| r.0.clone()).collect();
    Grant {
        target,
        role,
        privileges: sorted(rows.into_iter().map(|r| r.0).collect()),
        columns,
        grantable: sorted(grantable),
    }
}

pub(super) fn build(
    names: &[(&'static str, &'static str)],
    docs: &[String],
    opts: &IntrospectOptions,
    managed: &[String],
) -> Result<Live, IntrospectError> {
    let doc = |name: &str| -> &str {
        names
            .iter()
            .position(|(n, _)| *n == name)
            .and_then(|i| docs.get(i))
            .map(String::as_str)
            .unwrap_or("[]")
    };
    let server_version_num: i32 = doc("server_version").trim().parse().unwrap_or(0);
    let schemas: Vec<SchemaRow> = decode("schemas", doc("schemas"))?;
    let realtime: BTreeSet<u32> = decode::<u32>("realtime", doc("realtime"))?
        .into_iter()
        .collect();
    let has_realtime =
        !decode::<bool>("realtime_publication", doc("realtime_publication"))?.is_empty();
    let ext_rels: BTreeSet<u32> = decode::<u32>("extension_relations", doc("extension_relations"))?
        .into_iter()
        .collect();
    let mut rels: Vec<RelRow> = decode("relations", doc("relations"))?;
    let cols: Vec<ColRow> = decode("columns", doc("columns"))?;
    let ref_cols: Vec<RefColRow> = decode("ref_columns", doc("ref_columns"))?;
    let mut cons: Vec<ConRow> = decode("constraints", doc("constraints"))?;
    let mut idxs: Vec<IndexRow> = decode("indexes", doc("indexes"))?;
    // Attribute names by (relation, number), for the keys of constraints and indexes.
    let mut attname: HashMap<(u32, i32), &str> = HashMap::with_capacity(cols.len());
    for c in &cols {
        attname.insert((c.rel, c.num), c.name.as_str());
    }
    for c in &ref_cols {
        attname.insert((c.rel, c.num), c.name.as_str());
    }
    let attname = |what: &str, rel: u32, num: i32| -> Result<String, IntrospectError> {
        attname
            .get(&(rel, num))
            .map(|n| n.to_string())
            .ok_or_else(|| IntrospectError::Decode {
                what: what.to_string(),
                reason: format!("no column {num} in relation {rel}"),
            })
    };
    let names_of = |what: &str, rel: u32, nums: &Option<Vec<i32>>| {
        nums.iter()
            .flatten()
            .map(|n| attname(what, rel, *n))
            .collect::<Result<Vec<String>, IntrospectError>>()
    };
    // Relations an extension created are the extension's, not the user's.
    if !ext_rels.is_empty() {
        rels.retain(|r| !ext_rels.contains(&r.oid));
        cons.retain(|c| !ext_rels.contains(&c.rel));
        idxs.retain(|i| !ext_rels.contains(&i.rel));
    }
    let mut cols: Vec<&ColRow> = cols.iter().filter(|c| !ext_rels.contains(&c.rel)).collect();
    cols.sort_by_key(|c| (c.rel, c.num));
    let types: Vec<TypeRow> = decode("types", doc("types"))?;
    let pols: Vec<PolicyRow> = decode("policies", doc("policies"))?;
    let trigs: Vec<TriggerRow> = decode("triggers", doc("triggers"))?;
    let funcs: Vec<FuncRow> = decode("functions", doc("functions"))?;
    let exts: Vec<ExtRow> = decode("extensions", doc("extensions"))?;
    let defacls: Vec<DefAclRow> = decode("default_acls", doc("default_acls"))?;
    let owned: Vec<OwnedSeqRow> = decode("owned_sequences", doc("owned_sequences"))?;
    let seq_rows: BTreeMap<u32, super::sequences::SeqRow> =
        decode::<super::sequences::SeqRow>("sequences", doc("sequences"))?
            .into_iter()
            .map(|s| (s.oid, s))
            .collect();
    let opclasses: BTreeMap<u32, String> = decode::<OpclassRow>("opclasses", doc("opclasses"))?
        .into_iter()
        .map(|o| (o.oid, o.name))
        .collect();

    let mut m = Model::default();
    let mut unmanaged = Vec::new();
    let mut invalid_indexes = Vec::new();
    let mut row_estimates = BTreeMap::new();
    m.project.schemas = managed.to_vec();
    m.project.schemas_listed = !opts.all_user_schemas;
    if opts.all_user_schemas {
        // The user schemas the database holds, beside those asked for.
        m.project
            .schemas
            .extend(schemas.iter().map(|s| s.name.clone()));
        m.project.schemas.sort();
        m.project.schemas.dedup();
    }
    m.project.managed_roles = opts.managed_roles.clone();

    // Schemas: `public` always exists and is not declared.
    for s in &schemas {
        if s.name != "public" {
            m.schemas.insert(
                s.name.clone(),
                Schema {
                    name: s.name.clone(),
                    comment: s.comment.clone(),
                },
            );
        }
        object_grants(
            &GrantTarget::Schema(s.name.clone()),
            &parse_acl("schemas", s.acl.as_deref(), Some(&s.owner))?,
            &mut m.grants,
        );
    }

    for e in &exts {
        m.extensions.insert(
            e.name.clone(),
            Extension {
                name: e.name.clone(),
                schema: e.schema.clone(),
                version: Some(e.version.clone()),
            },
        );
    }

    // Types: enums become model enums; the rest is reported.
    let mut enum_by_oid: BTreeMap<u32, QName> = BTreeMap::new();
    for t in &types {
        let q = QName::new(&t.schema, &t.name);
        if t.kind == "e" {
            enum_by_oid.insert(t.oid, q.clone());
            m.enums.insert(
                q.clone(),
                Enum {
                    name: q,
                    values: t.values.clone().unwrap_or_default(),
                    renamed_from: None,
                    renamed_values: Default::default(),
                    comment: t.comment.clone(),
                },
            );
        } else if t.kind == "d" {
            m.domains.insert(
                q.clone(),
                Domain {
                    name: q,
                    base_type: t.base.clone().unwrap_or_default(),
                    nullable: !t.not_null,
                    default: t.default.clone(),
                    checks: t
                        .checks
                        .iter()
                        .flatten()
                        .map(|(name, expression, valid)| Check {
                            name: name.clone(),
                            expression: expression.clone(),
                            valid: *valid,
                            no_inherit: false,
                        })
                        .collect(),
                    collation: t.collation.clone(),
                    comment: t.comment.clone(),
                },
            );
        } else if t.kind == "c" {
            m.composite_types.insert(
                q.clone(),
                CompositeType {
                    name: q,
                    attributes: t
                        .attributes
                        .iter()
                        .flatten()
                        .map(|(name, data_type)| Attribute {
                            name: name.clone(),
                            data_type: data_type.clone(),
                        })
                        .collect(),
                    comment: t.comment.clone(),
                },
            );
        } else {
            let kind = match t.kind.as_str() {
                "r" => "range type",
                _ => "multirange type",
            };
            unmanaged.push(Unmanaged {
                kind: kind.into(),
                name: q.to_string(),
                reason: "supaform does not manage this kind of type yet".into(),
            });
        }
    }

    // Relations.
    let mut rel_name: BTreeMap<u32, QName> = BTreeMap::new();
    let mut tables: BTreeMap<u32, Table> = BTreeMap::new();
    let mut seq_names: BTreeMap<u32, QName> = BTreeMap::new();
    let mut seq_comments: BTreeMap<u32, String> = BTreeMap::new();
    let mut rel_acls: Vec<(GrantTarget, Vec<AclRow>)> = Vec::new();
    let mut seq_acls: Vec<(u32, QName, Vec<AclRow>)> = Vec::new();
    // (partition, parent, bound), resolved once every relation is named.
    let mut partition_parents: Vec<(u32, u32, String)> = Vec::new();
    // (child, parents) of table inheritance.
    let mut inherit_parents: Vec<(u32, Vec<u32>)> = Vec::new();
    let mut matviews: BTreeMap<u32, QName> = BTreeMap::new();
    for r in &rels {
        let q = QName::new(&r.schema, &r.name);
        let acl = || parse_acl("relations", r.acl.as_deref(), r.owner.as_deref());
        rel_name.insert(r.oid, q.clone());
        match r.kind.as_str() {
            "r" | "p" => {
                let mut t = Table::new(q.clone());
                t.partition_by = r.partkey.clone();
                t.unlogged = r.persistence == "u";
                if let (Some(parent), Some(bound)) = (r.parent, &r.bound) {
                    partition_parents.push((r.oid, parent, bound.clone()));
                }
                if let Some(parents) = r.inherits.clone().filter(|p| !p.is_empty()) {
                    inherit_parents.push((r.oid, parents));
                }
                t.rls = Rls {
                    enabled: r.rls,
                    force: r.force,
                };
                t.comment = r.comment.clone();
                t.replica_identity = match (r.replident.as_str(), &r.replident_index) {
                    ("f", _) => Some(ReplicaIdentity::Full),
                    ("n", _) => Some(ReplicaIdentity::Nothing),
                    ("i", Some(i)) => Some(ReplicaIdentity::Index(i.clone())),
                    _ => None,
                };
                if has_realtime {
                    t.realtime = Some(realtime.contains(&r.oid));
                }
                tables.insert(r.oid, t);
                row_estimates.insert(q.clone(), r.estimate);
                rel_acls.push((GrantTarget::Table(q), acl()?));
            }
            "v" | "m" => {
                let materialized = r.kind == "m";
                if materialized {
                    matviews.insert(r.oid, q.clone());
                }
                let invoker = r.options.iter().flatten().any(|o| {
                    let o = o.to_ascii_lowercase();
                    matches!(
                        o.as_str(),
                        "security_invoker=true"
                            | "security_invoker=on"
                            | "security_invoker=1"
                            | "security_invoker=yes"
                    )
                });
                let query = r.view.clone().unwrap_or_default();
                let query = query.trim();
                let query = query.strip_suffix(';').unwrap_or(query).trim().to_string();
                m.views.insert(
                    q.clone(),
                    View {
                        name: q.clone(),
                        query,
                        security_invoker: invoker,
                        check_option: r.options.iter().flatten().find_map(|o| {
                            match o.to_ascii_lowercase().as_str() {
                                "check_option=local" => Some("local".to_string()),
                                "check_option=cascaded" => Some("cascaded".to_string()),
                                _ => None,
                            }
                        }),
                        comment: r.comment.clone(),
                        materialized,
                        indexes: vec![],
                    },
                );
                rel_acls.push((GrantTarget::Table(q), acl()?));
            }
            "S" => {
                seq_names.insert(r.oid, q.clone());
                if let Some(c) = &r.comment {
                    seq_comments.insert(r.oid, c.clone());
                }
                seq_acls.push((r.oid, q, acl()?));
            }
            _ => unmanaged.push(Unmanaged {
                kind: "foreign table".into(),
                name: q.to_string(),
                reason: "foreign tables are not managed".into(),
            }),
        }
    }
    for (target, acl) in rel_acls {
        object_grants(&target, &acl, &mut m.grants);
    }
    for (oid, parent, bound) in partition_parents {
        if let (Some(parent), Some(t)) = (rel_name.get(&parent).cloned(), tables.get_mut(&oid)) {
            t.partition_of = Some(PartitionOf { parent, bound });
        }
    }
    for (oid, parents) in inherit_parents {
        let names: Option<Vec<QName>> = parents.iter().map(|p| rel_name.get(p).cloned()).collect();
        match (names, tables.get_mut(&oid)) {
            (Some(names), Some(t)) => t.inherits = names,
            (None, Some(t)) => unmanaged.push(Unmanaged {
                kind: "table inheritance".into(),
                name: t.name.to_string(),
                reason: "it inherits from a table outside the covered schemas".into(),
            }),
            _ => {}
        }
    }
    let owned_by: BTreeMap<(u32, String), (u32, String)> = owned
        .iter()
        .map(|o| ((o.rel, o.col.clone()), (o.seq, o.deptype.clone())))
        .collect();
    // Every sequence's grants are managed: those of serial and identity columns come
    // with their table, the others with their `sequence` block.
    for (_, q, acl) in seq_acls {
        object_grants(&GrantTarget::Sequence(q), &acl, &mut m.grants);
    }
    // Sequences a serial column (under its default name and options) or an identity
    // column implies are not blocks of their own; the rest are.
    let mut implied_seqs: BTreeSet<u32> = owned
        .iter()
        .filter(|o| o.deptype == "i")
        .map(|o| o.seq)
        .collect();

    // Columns, with column-level grants grouped by (role, privilege) → columns.
    let mut col_privs: BTreeMap<(u32, String, (String, bool)), Vec<String>> = BTreeMap::new();
    for c in cols {
        for a in parse_acl("columns", c.acl.as_deref(), c.owner.as_deref())? {
            col_privs
                .entry((c.rel, a.grantee, (a.privilege, a.grantable)))
                .or_default()
                .push(c.name.clone());
        }
        let Some(t) = tables.get_mut(&c.rel) else {
            continue;
        };
        // A partition's columns are its parent's; so are those a child table inherits
        // (also when it declares them too: they stay merged with the parent's).
        if c.inherited && (t.partition_of.is_some() || !t.inherits.is_empty()) {
            continue;
        }
        let mut col = Column::new(&c.name, &c.type_);
        col.nullable = !c.notnull;
        if let Some(q) = enum_by_oid.get(&c.typoid) {
            col.enum_type = Some(q.clone());
        }
        col.identity = match c.identity.as_str() {
            "a" => Some(Identity::Always),
            "d" => Some(Identity::ByDefault),
            _ => None,
        };
        if col.identity.is_some() {
            col.identity_sequence = owned_by
                .get(&(c.rel, c.name.clone()))
                .filter(|(_, dep)| dep == "i")
                .and_then(|(seq, _)| Some((seq_names.get(seq)?, seq_rows.get(seq)?)))
                .and_then(|(q, row)| super::sequences::identity_sequence(&t.name, &c.name, q, row))
                .map(Box::new);
        }
        if c.generated == "s" {
            col.generated = c.default.clone();
        } else if let Some(d) = &c.default {
            let serial = owned_by
                .get(&(c.rel, c.name.clone()))
                .filter(|(_, dep)| dep == "a")
                .and_then(|(seq, _)| {
                    let row = seq_rows.get(seq)?;
                    // Only a sequence of the column's type with the default options.
                    if row.data_type != c.type_ || !row.options().is_default() {
                        return None;
                    }
                    let st = serial_type(&t.name, &c.name, &c.type_, d, seq_names.get(seq)?)?;
                    Some((*seq, st))
                });
            match serial {
                Some((seq, st)) => {
                    implied_seqs.insert(seq);
                    col.data_type = st.to_string();
                }
                None => col.default = classify_default(d, &c.type_),
            }
        }
        col.collation = c.collation.clone();
        col.comment = c.comment.clone();
        t.columns.push(col);
    }
    for (oid, q) in &seq_names {
        let Some(row) = seq_rows.get(oid).filter(|_| !implied_seqs.contains(oid)) else {
            continue;
        };
        let owned_by = owned
            .iter()
            .find(|o| o.seq == *oid && o.deptype == "a")
            .and_then(|o| Some((rel_name.get(&o.rel)?.clone(), o.col.clone())));
        m.sequences.insert(
            q.clone(),
            Sequence {
                name: q.clone(),
                data_type: row.data_type.clone(),
                options: row.options(),
                owned_by,
                comment: seq_comments.get(oid).cloned(),
            },
        );
    }
    // Group column privileges: the same column set for one role → one grant.
    // (relation, role, columns) → privileges, each with its grant option.
    type ColumnGrants = BTreeMap<(u32, String, Vec<String>), Vec<(String, bool)>>;
    let mut col_grants: ColumnGrants = BTreeMap::new();
    for ((rel, role, privilege), mut columns) in col_privs {
        columns.sort();
        col_grants
            .entry((rel, role, columns))
            .or_default()
            .push(privilege);
    }
    for ((rel, role, columns), privileges) in col_grants {
        let Some(q) = rel_name.get(&rel) else {
            continue;
        };
        m.grants.push(grant_of_rows(
            GrantTarget::Table(q.clone()),
            role,
            columns,
            privileges,
        ));
    }

    // Constraints. What a partition inherits is collected apart (see `Inherited`); the
    // copies Postgres adds to a foreign key for each partition it references are skipped.
    let mut inherited: BTreeMap<u32, Table> = BTreeMap::new();
    for c in &cons {
        let Some(own) = tables.get_mut(&c.rel) else {
            continue;
        };
        if c.parent_rel == Some(c.rel) {
            continue;
        }
        // A check a child table inherits is its parent's.
        if !own.inherits.is_empty() && !c.local {
            continue;
        }
        let t = if own.partition_of.is_some() && (c.parent_rel.is_some() || !c.local) {
            let name = own.name.clone();
            inherited.entry(c.rel).or_insert_with(|| Table::new(name))
        } else {
            own
        };
        let cols = names_of("constraints", c.rel, &c.keys)?;
        let deferrable = match (c.deferrable, c.deferred) {
            (false, _) => Deferrable::No,
            (true, false) => Deferrable::Immediate,
            (true, true) => Deferrable::Deferred,
        };
        match c.type_.as_str() {
            "p" => {
                t.primary_key = Some(PrimaryKey {
                    name: Some(c.name.clone()),
                    columns: cols,
                    deferrable,
                })
            }
            "u" => t.uniques.push(Unique {
                name: c.name.clone(),
                columns: cols,
                nulls_not_distinct: c.nnd.unwrap_or(false),
                deferrable,
            }),
            // (One a partition inherits lands in its `inherited` table, which keeps only
            // what attach and detach need: it stays the parent's.)
            "x" => {
                let def = c.expr.clone().unwrap_or_default();
                let definition = def.strip_prefix("EXCLUDE ").unwrap_or(&def).to_string();
                t.exclusions.push(Exclusion {
                    name: c.name.clone(),
                    definition,
                });
            }
            "c" => t.checks.push(Check {
                name: c.name.clone(),
                expression: c.expr.clone().unwrap_or_default(),
                valid: c.valid,
                no_inherit: c.noinherit,
            }),
            "f" => t.foreign_keys.push(ForeignKey {
                name: c.name.clone(),
                columns: cols,
                ref_table: QName::new(
                    c.ref_schema.clone().unwrap_or_default(),
                    c.ref_table.clone().unwrap_or_default(),
                ),
                ref_columns: names_of("constraints", c.ref_rel, &c.ref_keys)?,
                on_delete: fk_action(&c.on_delete),
                on_update: fk_action(&c.on_update),
                deferrable,
                valid: c.valid,
            }),
            _ => {}
        }
    }

    // Indexes not backing a constraint.
    // Materialized views' indexes, collected in a table of the same name and moved over.
    let mut matview_indexes: BTreeMap<u32, Table> = BTreeMap::new();
    for i in &idxs {
        let own = match (tables.get_mut(&i.rel), matviews.get(&i.rel)) {
            (Some(t), _) => t,
            (None, Some(q)) => matview_indexes
                .entry(i.rel)
                .or_insert_with(|| Table::new(q.clone())),
            (None, None) => continue,
        };
        let t = if own.partition_of.is_some() && i.partition {
            let name = own.name.clone();
            inherited.entry(i.rel).or_insert_with(|| Table::new(name))
        } else {
            own
        };
        if !i.valid {
            invalid_indexes.push((t.name.clone(), i.name.clone()));
            continue;
        }
        let mut parts = Vec::new();
        let mut include = Vec::new();
        for (k, &attnum) in i.keys.iter().enumerate() {
            let name = if attnum > 0 {
                Some(attname("indexes", i.rel, attnum)?)
            } else {
                None
            };
            let def = if attnum == 0 {
                i.defs.as_ref().and_then(|d| d.get(k).cloned().flatten())
            } else {
                None
            };
            if k >= i.nkey {
                include.push(name.or(def).unwrap_or_default());
                continue;
            }
            let mut suffix = String::new();
            if let Some(oc) = i.opclasses.get(k).and_then(|o| opclasses.get(o)) {
                suffix.push(' ');
                suffix.push_str(oc);
            }
            let option = i.options.get(k).copied().unwrap_or(0);
            match (option & 1 == 1, option & 2 == 2) {
                (true, false) => suffix.push_str(" DESC NULLS LAST"),
                (true, true) => suffix.push_str(" DESC"),
                (false, true) => suffix.push_str(" NULLS FIRST"),
                (false, false) => {}
            }
            match (name, suffix.is_empty()) {
                (Some(n), true) => parts.push(IndexPart::Column(n)),
                (name, _) => {
                    let base = match (def, name) {
                        (Some(d), _) => d,
                        (None, Some(n)) => crate::quote::ident_if_needed(&n),
                        (None, None) => String::new(),
                    };
                    parts.push(IndexPart::Expression(format!("{base}{suffix}")))
                }
            }
        }
        t.indexes.push(Index {
            name: i.name.clone(),
            parts,
            unique: i.unique,
            method: i.method.clone(),
            predicate: i.pred.clone(),
            include,
        });
    }

    for (oid, t) in matview_indexes {
        if let Some(v) = matviews.get(&oid).and_then(|q| m.views.get_mut(q)) {
            v.indexes = t.indexes;
            v.indexes.sort_by(|a, b| a.name.cmp(&b.name));
        }
    }
    for (oid, x) in inherited {
        if let Some(t) = tables.get_mut(&oid) {
            t.inherited = Some(Box::new(Inherited {
                primary_key: x.primary_key,
                foreign_keys: x.foreign_keys,
                indexes: x.indexes,
                uniques: x.uniques,
                checks: x.checks,
            }));
        }
    }
    for (_, t) in tables {
        m.tables.insert(t.name.clone(), t);
    }

    // Policies.
    for p in &pols {
        let table = QName::new(&p.schema, &p.table);
        let mut roles = p.roles.clone().unwrap_or_else(|| vec!["public".into()]);
        roles.sort();
        let command = match p.cmd.as_str() {
            "r" => PolicyCommand::Select,
            "a" => PolicyCommand::Insert,
            "w" => PolicyCommand::Update,
            "d" => PolicyCommand::Delete,
            _ => PolicyCommand::All,
        };
        m.policies.insert(
            (table.clone(), p.name.clone()),
            Policy {
                table,
                name: p.name.clone(),
                command,
                roles,
                using: p.using.clone(),
                check: p.check.clone(),
                permissive: p.permissive,
                renamed_from: None,
            },
        );
    }

    // Functions. Several sharing a name are keyed by name and argument types.
    let mut by_name: BTreeMap<QName, Vec<&FuncRow>> = BTreeMap::new();
    for f in &funcs {
        let q = QName::new(&f.schema, &f.name);
        if f.kind != "f" && f.kind != "p" {
            let kind = match f.kind.as_str() {
                "a" => "aggregate",
                _ => "window function",
            };
            unmanaged.push(Unmanaged {
                kind: kind.into(),
                name: format!("{q}({})", f.identity_args),
                reason: format!("{kind}s are not managed yet"),
            });
            continue;
        }
        if !matches!(f.lang.as_str(), "sql" | "plpgsql") && f.lang != "plv8" {
            unmanaged.push(Unmanaged {
                kind: "function".into(),
                name: format!("{q}({})", f.identity_args),
                reason: format!("functions in language {} are not managed", f.lang),
            });
            continue;
        }
        by_name.entry(q).or_default().push(f);
    }
    for (q, fs) in by_name {
        let overloaded = fs.len() > 1;
        for f in fs {
            let mut func = function(&q, f);
            if overloaded {
                func.overload = Some(func.in_types());
            }
            let key = func.key();
            m.functions.insert(key.clone(), func);
            object_grants(
                &GrantTarget::Function(key),
                &parse_acl("functions", f.acl.as_deref(), Some(&f.owner))?,
                &mut m.grants,
            );
        }
    }

    // Triggers.
    for t in &trigs {
        let table = QName::new(&t.schema, &t.table);
        if t.constraint {
            unmanaged.push(Unmanaged {
                kind: "constraint trigger".into(),
                name: format!("{table}.{}", t.name),
                reason: "constraint triggers are not managed yet".into(),
            });
            continue;
        }
        let ty = t.type_;
        let timing = if ty & 64 != 0 {
            TriggerTiming::InsteadOf
        } else if ty & 2 != 0 {
            TriggerTiming::Before
        } else {
            TriggerTiming::After
        };
        let mut events = Vec::new();
        for (bit, ev) in [
            (4, TriggerEvent::Insert),
            (8, TriggerEvent::Delete),
            (16, TriggerEvent::Update),
            (32, TriggerEvent::Truncate),
        ] {
            if ty & bit != 0 {
                events.push(ev);
            }
        }
        events.sort();
        m.triggers.insert(
            (table.clone(), t.name.clone()),
            Trigger {
                table,
                name: t.name.clone(),
                timing,
                events,
                update_of: t.cols.clone().unwrap_or_default(),
                for_each_row: ty & 1 != 0,
                when: trigger_when(&t.def),
                function: QName::new(&t.fschema, &t.fname),
                arguments: if t.nargs > 0 {
                    t.args.clone().unwrap_or_default()
                } else {
                    vec![]
                },
            },
        );
    }

    // Default privileges in managed schemas.
    m.default_privileges = default_privileges_of(&defacls)?;
    // A default privilege given WITH GRANT OPTION: the privilege is managed, the option is
    // not — said, not hidden behind `No changes.`.
    for d in &defacls {
        for a in parse_acl("default_acls", d.acl.as_deref(), None)? {
            if a.grantable {
                unmanaged.push(Unmanaged {
                    kind: "default privilege".into(),
                    name: format!(
                        "{} for role {} to {}{}",
                        on_of(&d.type_).as_str(),
                        d.owner,
                        a.grantee,
                        d.schema
                            .as_deref()
                            .map(|s| format!(" in schema {s}"))
                            .unwrap_or_default()
                    ),
                    reason: format!(
                        "its grant option on {} is not compared (the privilege itself is)",
                        a.privilege
                    ),
                });
            }
        }
    }

    // Roles the objects name that a config would have to list in managed_roles.
    let mut extra: BTreeSet<String> = BTreeSet::new();
    let roles = m
        .policies
        .values()
        .flat_map(|p| p.roles.iter())
        .chain(m.grants.iter().map(|g| &g.role))
        .chain(
            m.default_privileges
                .iter()
                .flat_map(|d| [&d.owner, &d.role]),
        );
    for r in roles {
        if !SUPABASE_ROLES.contains(&r.as_str()) && !m.project.managed_roles.contains(r) {
            extra.insert(r.clone());
        }
    }
    m.project.managed_roles.extend(extra);

    m.collations = super::collations::collations(decode("collations", doc("collations"))?);
    m.normalize();
    unmanaged.sort();
    Ok(Live {
        model: m,
        server_version_num,
        round_trips: 0,
        invalid_indexes,
        row_estimates,
        unmanaged,
    })
}

/// `serial` / `bigserial` / `smallserial` when a column's default is `nextval` of the
/// sequence it owns under Postgres' default name: what `type = "serial"` creates.
fn serial_type(
    table: &QName,
    column: &str,
    ty: &str,
    default: &str,
    seq: &QName,
) -> Option<&'static str> {
    if *seq != column_sequence_name(table, column) {
        return None;
    }
    let regclass = format!(
        "nextval({}::regclass)",
        crate::quote::literal(&crate::config::format_type_name(seq))
    );
    if default != regclass {
        return None;
    }
    match ty {
        "integer" => Some("serial"),
        "bigint" => Some("bigserial"),
        "smallint" => Some("smallserial"),
        _ => None,
    }
}

fn function(q: &QName, f: &FuncRow) -> Function {
    let names = f.argnames.clone().unwrap_or_default();
    let types = f.argtypes.clone().unwrap_or_default();
    let modes = f.argmodes.clone().unwrap_or_default();
    let pieces = split_top_level(&f.args);
    let mut args = Vec::new();
    let mut piece = 0usize;
    for (i, ty) in types.iter().enumerate() {
        let mode = modes.get(i).map(String::as_str).unwrap_or("i");
        if mode == "t" {
            continue;
        }
        let default = pieces.get(piece).and_then(|p| arg_default(p));
        piece += 1;
        args.push(FunctionArg {
            name: names.get(i).cloned().unwrap_or_default(),
            data_type: ty.clone(),
            mode: match mode {
                "o" => ArgMode::Out,
                "b" => ArgMode::Inout,
                "v" => ArgMode::Variadic,
                _ => ArgMode::In,
            },
            default,
        });
    }
    let search_path = f.config.iter().flatten().find_map(|c| {
        c.strip_prefix("search_path=").map(|v| {
            if v == "\"\"" {
                String::new()
            } else {
                v.to_string()
            }
        })
    });
    Function {
        name: q.clone(),
        args,
        returns: if f.kind == "p" {
            String::new()
        } else {
            f.result.clone().unwrap_or_else(|| "void".into())
        },
        language: f.lang.clone(),
        security: if f.secdef {
            Security::Definer
        } else {
            Security::Invoker
        },
        volatility: match f.volatility.as_str() {
            "i" => Volatility::Immutable,
            "s" => Volatility::Stable,
            _ => Volatility::Volatile,
        },
        strict: f.strict,
        parallel: match f.parallel.as_str() {
            "s" => Some("safe".into()),
            "r" => Some("restricted".into()),
            _ => None,
        },
        search_path,
        body: f
            .sqlbody
            .clone()
            .or_else(|| f.src.clone())
            .unwrap_or_default(),
        comment: f.comment.clone(),
        renamed_from: None,
        procedure: f.kind == "p",
        rows: f.rows,
        overload: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::de::{value::Error as DeError, Error as _, Visitor};
    use std::cell::Cell;

    /// A deserializer that only records the field names a struct asks for.
    struct Fields<'a>(&'a Cell<&'static [&'static str]>);

    impl<'de> serde::Deserializer<'de> for Fields<'_> {
        type Error = DeError;
        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, DeError> {
            Err(DeError::custom("not a struct"))
        }
        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, DeError> {
            self.0.set(fields);
            Err(DeError::custom("fields recorded"))
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes
            byte_buf option unit unit_struct newtype_struct seq tuple tuple_struct map enum
            identifier ignored_any
        }
    }

    fn fields_of<T: DeserializeOwned>() -> Vec<String> {
        let cell = Cell::new(&[][..]);
        let _ = T::deserialize(Fields(&cell));
        cell.get().iter().map(|s| s.to_string()).collect()
    }

    /// Rows are positional: each struct's fields must be its query's keys, in order.
    #[test]
    fn row_structs_follow_their_queries() {
        use super::super::queries::{self as q, row_keys};
        let pairs: Vec<(&str, &str, Vec<String>)> = vec![
            ("schemas", q::SCHEMAS, fields_of::<SchemaRow>()),
            ("relations", q::RELATIONS, fields_of::<RelRow>()),
            ("columns", q::COLUMNS, fields_of::<ColRow>()),
            ("ref_columns", q::REF_COLUMNS, fields_of::<RefColRow>()),
            ("constraints", q::CONSTRAINTS, fields_of::<ConRow>()),
            ("indexes", q::INDEXES, fields_of::<IndexRow>()),
            ("opclasses", q::OPCLASSES, fields_of::<OpclassRow>()),
            ("types", q::TYPES, fields_of::<TypeRow>()),
            ("policies", q::POLICIES, fields_of::<PolicyRow>()),
            ("triggers", q::TRIGGERS, fields_of::<TriggerRow>()),
            ("functions", q::FUNCTIONS, fields_of::<FuncRow>()),
            ("extensions", q::EXTENSIONS, fields_of::<ExtRow>()),
            ("default_acls", q::DEFAULT_ACLS, fields_of::<DefAclRow>()),
            (
                "owned_sequences",
                q::OWNED_SEQUENCES,
                fields_of::<OwnedSeqRow>(),
            ),
            (
                "sequences",
                q::SEQUENCES,
                fields_of::<super::super::sequences::SeqRow>(),
            ),
            (
                "collations",
                q::COLLATIONS,
                fields_of::<super::super::collations::CollRow>(),
            ),
        ];
        let row_queries = q::all()
            .iter()
            .filter(|(_, sql)| sql.contains("json_build_array("))
            .count();
        assert_eq!(pairs.len(), row_queries, "every row query is checked");
        for (name, sql, fields) in pairs {
            assert!(!fields.is_empty(), "{name}: no fields recorded");
            assert_eq!(row_keys(sql), fields, "{name}");
        }
    }

    fn acl(items: &[&str], owner: Option<&str>) -> Vec<(String, String)> {
        let items: Vec<String> = items.iter().map(|s| s.to_string()).collect();
        parse_acl("test", Some(&items), owner)
            .unwrap()
            .into_iter()
            .map(|a| (a.grantee, a.privilege))
            .collect()
    }

    #[test]
    fn acl_items_are_read_with_public_quoting_and_grant_options() {
        let got = acl(
            &[
                "postgres=arwdDxt/postgres",
                "authenticated=ar/postgres",
                "\"we ird\"\"=/,x\"=r*/postgres",
                "=a/postgres",
            ],
            Some("postgres"),
        );
        let want: Vec<(String, String)> = [
            ("authenticated", "INSERT"),
            ("authenticated", "SELECT"),
            ("we ird\"=/,x", "SELECT"),
            ("public", "INSERT"),
        ]
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
        assert_eq!(got, want);
        // Without an owner to skip, the owner's own privileges are kept.
        assert_eq!(acl(&["postgres=X/postgres"], None).len(), 1);
        assert_eq!(
            acl(&["anon=UC/postgres", "x=Tc/y"], None),
            [
                ("anon", "USAGE"),
                ("anon", "CREATE"),
                ("x", "TEMPORARY"),
                ("x", "CONNECT")
            ]
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect::<Vec<_>>()
        );
    }

    #[test]
    fn unreadable_acl_items_are_decode_errors_not_panics() {
        for bad in ["\"unterminated=r/x", "noequals", "anon=r?/x"] {
            let items = vec![bad.to_string()];
            assert!(
                matches!(
                    parse_acl("test", Some(&items), None),
                    Err(IntrospectError::Decode { .. })
                ),
                "{bad}"
            );
        }
    }
}
