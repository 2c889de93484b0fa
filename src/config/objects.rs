//! Lowering of every top-level block kind except `table` (see `lower.rs`).

use super::diag::Diag;
use super::eval::Value;
use super::lower::{a_type, attr_span, Blk, Lowerer};
use super::source::Span;
use crate::model::*;
use hcl::edit::Span as _;
use std::collections::BTreeMap;

pub(super) fn lower_project(lw: &mut Lowerer, b: &Blk) {
    lw.check_shape(b, &["name", "schemas", "managed_roles"], &[]);
    if let Some((n, _)) = lw.string(b, "name") {
        lw.model.project.name = Some(n);
    }
    if let Some(s) = lw.strings(b, "schemas") {
        for (name, span) in &s {
            if is_platform_schema(name) {
                lw.push(
                    Diag::new(
                        "config::platform_schema",
                        format!("`{name}` is a Supabase platform schema and cannot be managed"),
                    )
                    .at(span, "platform schema")
                    .help("list only your own schemas, such as public"),
                );
            }
        }
        lw.model.project.schemas = s.into_iter().map(|x| x.0).collect();
        lw.model.project.schemas_listed = true;
    }
    if let Some(r) = lw.strings(b, "managed_roles") {
        lw.model.project.managed_roles = r.into_iter().map(|x| x.0).collect();
    }
}

pub(super) fn lower_environment(lw: &mut Lowerer, b: &mut Blk) {
    let name = b.label().to_string();
    b.addr = format!("environment.{name}");
    lw.check_shape(
        b,
        &[
            "database_url",
            "project_ref",
            "protected",
            "state",
            "lock_timeout",
            "statement_timeout",
            "functions_dir",
            "depends_on",
        ],
        &[],
    );
    let mut env = Environment {
        name: name.clone(),
        database_url: None,
        project_ref: None,
        protected: false,
        state: StateBackend::File,
        lock_timeout: None,
        statement_timeout: None,
        functions_dir: None,
        missing_env: vec![],
    };
    // Environment variables an environment needs are only required when it is used.
    let mut deferred = |lw: &mut Lowerer, attr: &str| -> Option<String> {
        let v = lw.ev.deferring_env(|| lw.val(b, attr))?;
        match v.value {
            Value::String(s) => Some(s),
            Value::Unknown(var) => {
                env.missing_env.push(var);
                None
            }
            other => {
                lw.push(
                    Diag::new(
                        "config::wrong_type",
                        format!("`{attr}` must be a string, not {}", a_type(&other)),
                    )
                    .at(&v.span, "expected a string"),
                );
                None
            }
        }
    };
    let url = deferred(lw, "database_url");
    let project_ref = deferred(lw, "project_ref");
    env.database_url = url.map(Sensitive::new);
    if let Some(r) = &project_ref {
        let valid = r.len() == 20 && r.chars().all(|c| c.is_ascii_lowercase());
        if !valid {
            let span = b
                .attr("project_ref")
                .map(|a| Span::new(b.file, a.value.span().unwrap_or(0..0)))
                .unwrap_or(b.head.clone());
            lw.push(
                Diag::new(
                    "config::invalid_value",
                    format!("`{r}` is not a Supabase project ref"),
                )
                .at(&span, "invalid project ref")
                .help("a project ref is 20 lowercase letters, as in https://<ref>.supabase.co"),
            );
        }
    }
    env.project_ref = project_ref;
    env.protected = lw.boolean(b, "protected").unwrap_or(false);
    env.state = lw
        .choice(
            b,
            "state",
            &[
                ("file", StateBackend::File),
                ("database", StateBackend::Database),
            ],
        )
        .unwrap_or_default();
    for attr in ["lock_timeout", "statement_timeout"] {
        if let Some((v, span)) = lw.string(b, attr) {
            if parse_duration_ms(&v).is_none() {
                lw.push(
                    Diag::new("config::invalid_value", format!("`{v}` is not a duration"))
                        .at(&span, "invalid duration")
                        .help("write a number with a unit: \"500ms\", \"5s\", \"2min\""),
                );
                continue;
            }
            if attr == "lock_timeout" {
                env.lock_timeout = Some(v);
            } else {
                env.statement_timeout = Some(v);
            }
        }
    }
    env.functions_dir = lw.string(b, "functions_dir").map(|s| s.0);
    lw.model.environments.insert(name, env);
}

/// Milliseconds of a Postgres-style duration: `500ms`, `5s`, `2min`, `1h`, or a bare number
/// of milliseconds.
pub fn parse_duration_ms(s: &str) -> Option<u64> {
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let n: u64 = num.parse().ok()?;
    let mult = match unit.trim() {
        "" | "ms" => 1,
        "s" => 1000,
        "min" | "m" => 60_000,
        "h" => 3_600_000,
        _ => return None,
    };
    n.checked_mul(mult)
}

pub(super) fn lower_schema(lw: &mut Lowerer, b: &mut Blk) {
    let name = b.label().to_string();
    b.addr = Address::Schema(name.clone()).to_string();
    lw.check_shape(b, &["comment", "depends_on"], &[]);
    lw.check_managed_schema(&name, &b.label_span().clone());
    let comment = lw.string(b, "comment").map(|s| s.0);
    lw.depends_on(b, &Address::Schema(name.clone()));
    lw.model
        .schemas
        .insert(name.clone(), Schema { name, comment });
}

pub(super) fn lower_extension(lw: &mut Lowerer, b: &mut Blk) {
    let name = b.label().to_string();
    let addr = Address::Extension(name.clone());
    b.addr = addr.to_string();
    lw.check_shape(b, &["schema", "version", "depends_on"], &[]);
    let schema = lw
        .string(b, "schema")
        .map(|s| s.0)
        .unwrap_or_else(|| "extensions".into());
    let version = lw.string(b, "version").map(|s| s.0);
    lw.depends_on(b, &addr);
    lw.model.extensions.insert(
        name.clone(),
        Extension {
            name,
            schema,
            version,
        },
    );
}

pub(super) fn lower_enum(lw: &mut Lowerer, b: &mut Blk, addr: &Address) {
    let Address::Enum(q) = addr else { return };
    b.addr = addr.to_string();
    lw.check_shape(
        b,
        &[
            "name",
            "schema",
            "values",
            "renamed_from",
            "renamed_values",
            "comment",
            "depends_on",
        ],
        &[],
    );
    lw.check_name_and_schema(b);
    // `values = []` is allowed: Postgres has empty enums (values added later).
    let values = if b.attr("values").is_none() {
        lw.req_strings(b, "values", "[\"a\", \"b\"]")
    } else {
        lw.strings(b, "values")
    };
    let renamed_from = lw.string(b, "renamed_from").map(|s| s.0);
    let comment = lw.string(b, "comment").map(|s| s.0);
    lw.depends_on(b, addr);
    let renamed_values = values
        .as_ref()
        .map(|v| enum_renamed_values(lw, b, v))
        .unwrap_or_default();
    if let Some(values) = values {
        lw.model.enums.insert(
            q.clone(),
            Enum {
                name: q.clone(),
                values: values.into_iter().map(|v| v.0).collect(),
                renamed_from,
                renamed_values,
                comment,
            },
        );
    }
}

/// `renamed_values = { new = "old" }`: each key a value of `values`, each old name gone
/// from `values` and renamed only once.
fn enum_renamed_values(
    lw: &mut Lowerer,
    b: &Blk,
    values: &[(String, Span)],
) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let Some(v) = lw.val(b, "renamed_values") else {
        return out;
    };
    let Value::Object(items) = v.value else {
        lw.push(
            Diag::new(
                "config::wrong_type",
                format!(
                    "`renamed_values` must be an object of new value = \"old value\", not {}",
                    v.value.type_name()
                ),
            )
            .at(&v.span, "expected { new = \"old\" }"),
        );
        return out;
    };
    let has = |s: &str| values.iter().any(|(x, _)| x == s);
    for (new, old) in items {
        let Value::String(old_name) = &old.value else {
            lw.push(
                Diag::new(
                    "config::wrong_type",
                    format!("the old name of `{new}` must be a string"),
                )
                .at(&old.span, "expected a string"),
            );
            continue;
        };
        let problem = if !has(&new) {
            Some(format!("`{new}` is not one of this enum's `values`"))
        } else if has(old_name) {
            Some(format!(
                "`{old_name}` is still one of `values`: a renamed value takes the place of its old name"
            ))
        } else if out.values().any(|o| o == old_name) {
            Some(format!("`{old_name}` is renamed twice"))
        } else {
            None
        };
        match problem {
            Some(p) => lw.push(
                Diag::new("config::invalid_value", p).at(&old.span, format!("renamed to `{new}`")),
            ),
            None => {
                out.insert(new, old_name.clone());
            }
        }
    }
    out
}

pub(super) fn lower_policy(lw: &mut Lowerer, b: &mut Blk) {
    lw.check_shape(
        b,
        &[
            "name",
            "table",
            "command",
            "roles",
            "using",
            "check",
            "as",
            "renamed_from",
            "depends_on",
        ],
        &[],
    );
    let name = lw
        .string(b, "name")
        .map(|s| s.0)
        .unwrap_or_else(|| b.label().to_string());
    // The address needs the table, so resolve it before recording spans.
    let provisional = Address::Policy(QName::new("", ""), name.clone());
    let table = lw.table_target(b, "table", &provisional);
    // Keep checking the other attributes when the table is wrong: report everything.
    let addr = Address::Policy(
        table.clone().unwrap_or_else(|| QName::new("", "")),
        name.clone(),
    );
    for d in lw.deps.iter_mut().filter(|d| d.from == provisional) {
        d.from = addr.clone();
    }
    b.addr = addr.to_string();
    lw.spans
        .insert((b.addr.clone(), String::new()), b.label_span().clone());
    let command = lw
        .choice(b, "command", &PolicyCommand::ALL)
        .unwrap_or(PolicyCommand::All);
    let roles = match lw.strings(b, "roles") {
        Some(r) => {
            lw.check_roles(&r);
            let mut r: Vec<String> = r.into_iter().map(|x| x.0).collect();
            r.sort();
            r
        }
        None => vec!["public".into()],
    };
    let using = lw.string(b, "using").map(|s| s.0);
    let check = lw.string(b, "check").map(|s| s.0);
    let permissive = lw
        .choice(b, "as", &[("permissive", true), ("restrictive", false)])
        .unwrap_or(true);
    let renamed_from = lw.string(b, "renamed_from").map(|s| s.0);
    lw.depends_on(b, &addr);
    match command {
        PolicyCommand::Insert if using.is_some() => {
            let span = b
                .attr("using")
                .map(|a| attr_span(a, b.file))
                .unwrap_or(b.head.clone());
            lw.push(
                Diag::new(
                    "config::invalid_policy",
                    "an insert policy cannot have `using`; only `check` applies to new rows",
                )
                .at(&span, "not allowed for insert")
                .help("rename `using` to `check`"),
            );
        }
        PolicyCommand::Select | PolicyCommand::Delete if check.is_some() => {
            let span = b
                .attr("check")
                .map(|a| attr_span(a, b.file))
                .unwrap_or(b.head.clone());
            lw.push(
                Diag::new(
                    "config::invalid_policy",
                    format!(
                        "a {} policy cannot have `check`; only `using` applies",
                        command.as_str()
                    ),
                )
                .at(&span, "not allowed here")
                .help("rename `check` to `using`"),
            );
        }
        _ => {}
    }
    // Neither `using` nor `check` is what `create policy p on t to service_role` gives:
    // Postgres accepts it (a permissive one lets no row through on its own), and real
    // projects have it.
    let Some(table) = table else {
        return;
    };
    if lw
        .model
        .policies
        .contains_key(&(table.clone(), name.clone()))
    {
        lw.push(
            Diag::new(
                "config::duplicate_label",
                format!("table {table} has two policies named `{name}`"),
            )
            .at(b.label_span(), "second policy with this name"),
        );
        return;
    }
    lw.model.policies.insert(
        (table.clone(), name.clone()),
        Policy {
            table,
            name,
            command,
            roles,
            using,
            check,
            permissive,
            renamed_from,
        },
    );
}

const TABLE_PRIVILEGES: &[&str] = &[
    "SELECT",
    "INSERT",
    "UPDATE",
    "DELETE",
    "TRUNCATE",
    "REFERENCES",
    "TRIGGER",
    "MAINTAIN",
];

pub(super) fn lower_grant(lw: &mut Lowerer, b: &mut Blk) {
    b.addr = format!("grant.{}", b.label());
    lw.check_shape(
        b,
        &[
            "on",
            "sequence",
            "roles",
            "privileges",
            "columns",
            "with_grant_option",
            "depends_on",
        ],
        &[],
    );
    let with_grant_option = lw.boolean(b, "with_grant_option").unwrap_or(false);
    let target = if b.attr("sequence").is_some() {
        // Sequences are not declared in the config; they are named by string.
        if b.attr("on").is_some() {
            lw.push(
                Diag::new(
                    "config::conflicting_attributes",
                    "a grant takes `on` or `sequence`, not both",
                )
                .at(&b.head, "both given"),
            );
            None
        } else {
            match lw.string(b, "sequence") {
                Some((s, span)) => match s.split_once('.') {
                    Some((schema, name)) if !schema.is_empty() && !name.is_empty() => {
                        Some(GrantTarget::Sequence(QName::new(schema, name)))
                    }
                    _ => {
                        lw.push(
                            Diag::new(
                                "config::invalid_value",
                                format!("`{s}` does not name a sequence"),
                            )
                            .at(&span, "expected schema.sequence")
                            .help("for example: sequence = \"public.todos_id_seq\""),
                        );
                        None
                    }
                },
                None => None,
            }
        }
    } else if b.attr("on").is_none() {
        lw.push(
            Diag::new(
                "config::missing_attribute",
                format!("{} is missing the required attribute `on`", b.describe()),
            )
            .at(&b.head, "needs `on`")
            .help("add on = table.NAME"),
        );
        None
    } else {
        match lw.reference(b, "on") {
            Some((Value::Ref(r), span)) => {
                match lw.resolve(&r, &span, &["table", "view", "function", "schema"]) {
                    Some(a) => {
                        let t = match &a {
                            Address::Table(q) | Address::View(q) => {
                                Some(GrantTarget::Table(q.clone()))
                            }
                            Address::Function(q) => Some(GrantTarget::Function(q.clone())),
                            Address::Schema(s) => Some(GrantTarget::Schema(s.clone())),
                            _ => None,
                        };
                        if t.is_some() {
                            lw.deps.push(super::Dep {
                                from: Address::Grant(
                                    GrantTarget::Schema(String::new()),
                                    b.label().into(),
                                ),
                                to: a,
                                span: span.clone(),
                            });
                        }
                        t
                    }
                    None => None,
                }
            }
            Some((Value::String(s), span)) => match s.split_once('.') {
                Some((schema, name)) if !schema.is_empty() && !name.is_empty() => {
                    Some(GrantTarget::Table(QName::new(schema, name)))
                }
                _ if s == "public" => Some(GrantTarget::Schema(s)),
                _ => {
                    lw.push(
                        Diag::new(
                            "config::invalid_value",
                            format!("`{s}` does not name an object"),
                        )
                        .at(&span, "expected schema.object")
                        .help("use a reference such as table.NAME, or \"schema.object\""),
                    );
                    None
                }
            },
            _ => None,
        }
    };
    let roles = lw.req_strings(b, "roles", "[\"authenticated\"]");
    if let Some(r) = &roles {
        lw.check_roles(r);
    }
    let privileges = lw.req_strings_or_empty(b, "privileges", "[\"select\"]");
    let columns = lw.strings(b, "columns").unwrap_or_default();
    let (Some(target), Some(roles), Some(privileges)) = (target, roles, privileges) else {
        return;
    };
    let allowed: &[&str] = match &target {
        GrantTarget::Table(_) => TABLE_PRIVILEGES,
        GrantTarget::Sequence(_) => &["SELECT", "UPDATE", "USAGE"],
        GrantTarget::Function(_) => &["EXECUTE"],
        GrantTarget::Schema(_) => &["USAGE", "CREATE"],
    };
    let mut privs: Vec<String> = Vec::new();
    for (p, span) in &privileges {
        let up = p.to_ascii_uppercase();
        if up == "ALL" || up == "ALL PRIVILEGES" {
            // MAINTAIN exists from PostgreSQL 17 on; `all` means what every version has.
            privs.extend(
                allowed
                    .iter()
                    .filter(|p| **p != "MAINTAIN")
                    .map(|s| s.to_string()),
            );
        } else if allowed.contains(&up.as_str()) {
            privs.push(up);
        } else {
            let lower: Vec<String> = allowed.iter().map(|s| s.to_ascii_lowercase()).collect();
            lw.push(
                Diag::new(
                    "config::invalid_value",
                    format!(
                        "`{p}` is not a privilege that can be granted on {}",
                        target_kind(&target)
                    ),
                )
                .at(span, "invalid privilege")
                .help(format!("valid privileges: {}, all", lower.join(", "))),
            );
        }
    }
    if !columns.is_empty() {
        if !matches!(target, GrantTarget::Table(_)) {
            let span = b
                .attr("columns")
                .map(|a| attr_span(a, b.file))
                .unwrap_or(b.head.clone());
            lw.push(
                Diag::new(
                    "config::invalid_value",
                    "column grants apply only to tables and views",
                )
                .at(&span, "not a table"),
            );
            return;
        }
        let mut column_ok = true;
        for (p, span) in &privileges {
            let up = p.to_ascii_uppercase();
            if ![
                "SELECT",
                "INSERT",
                "UPDATE",
                "REFERENCES",
                "ALL",
                "ALL PRIVILEGES",
            ]
            .contains(&up.as_str())
            {
                lw.push(
                    Diag::new(
                        "config::invalid_value",
                        format!("`{p}` cannot be granted on columns"),
                    )
                    .at(span, "not a column privilege")
                    .help("column grants take select, insert, update or references; grant the others on the whole table in a separate grant block"),
                );
                column_ok = false;
            }
        }
        if !column_ok {
            return;
        }
        // `all` on columns means every privilege a column can have.
        privs.retain(|p| ["SELECT", "INSERT", "UPDATE", "REFERENCES"].contains(&p.as_str()));
    }
    privs.sort_by_key(|p| privilege_rank(p));
    privs.dedup();
    let mut columns: Vec<String> = columns.into_iter().map(|c| c.0).collect();
    columns.sort();
    // Record the grant's graph edges against the real addresses.
    let pending: Vec<super::Dep> = lw
        .deps
        .iter()
        .filter(|d| matches!(&d.from, Address::Grant(GrantTarget::Schema(s), l) if s.is_empty() && l == b.label()))
        .cloned()
        .collect();
    lw.deps
        .retain(|d| !matches!(&d.from, Address::Grant(GrantTarget::Schema(s), l) if s.is_empty() && l == b.label()));
    for (role, _) in roles {
        lw.model
            .grant_scope
            .get_or_insert_with(Default::default)
            .insert((target.clone(), role.clone(), columns.clone()));
        let addr = Address::Grant(target.clone(), role.clone());
        for d in &pending {
            lw.deps.push(super::Dep {
                from: addr.clone(),
                to: d.to.clone(),
                span: d.span.clone(),
            });
        }
        lw.spans
            .insert((addr.to_string(), String::new()), b.label_span().clone());
        if let Some(g) = lw
            .model
            .grants
            .iter_mut()
            .find(|g| g.target == target && g.role == role && g.columns == columns)
        {
            g.privileges.extend(privs.iter().cloned());
            g.privileges.sort_by_key(|p| privilege_rank(p));
            g.privileges.dedup();
            if with_grant_option {
                g.grantable.extend(privs.iter().cloned());
                g.grantable.sort_by_key(|p| privilege_rank(p));
                g.grantable.dedup();
            }
        } else {
            lw.model.grants.push(Grant {
                target: target.clone(),
                role,
                privileges: privs.clone(),
                columns: columns.clone(),
                grantable: if with_grant_option {
                    privs.clone()
                } else {
                    vec![]
                },
            });
        }
    }
    lw.model.grants.sort();
}

/// `default_privileges "LABEL" { owner, schema, on, roles, privileges }`:
/// `ALTER DEFAULT PRIVILEGES FOR ROLE owner [IN SCHEMA schema] GRANT ... ON <on> TO roles`.
pub(super) fn lower_default_privileges(lw: &mut Lowerer, b: &mut Blk) {
    b.addr = format!("default_privileges.{}", b.label());
    lw.check_shape(
        b,
        &["owner", "schema", "on", "roles", "privileges", "depends_on"],
        &[],
    );
    let owner = lw.req_string(b, "owner", "\"postgres\"");
    if let Some(o) = &owner {
        lw.check_roles(std::slice::from_ref(o));
    }
    let schema = lw.string(b, "schema").map(|(s, span)| {
        lw.check_managed_schema(&s, &span);
        s
    });
    let on = if b.attr("on").is_none() {
        lw.push(
            Diag::new(
                "config::missing_attribute",
                format!("{} is missing the required attribute `on`", b.describe()),
            )
            .at(&b.head, "needs `on`")
            .help("add on = \"tables\" (tables, sequences, functions, types or schemas)"),
        );
        None
    } else {
        lw.choice(b, "on", &DefaultPrivilegeOn::ALL)
    };
    let roles = lw.req_strings(b, "roles", "[\"authenticated\"]");
    if let Some(r) = &roles {
        lw.check_roles(r);
    }
    let privileges = lw.req_strings_or_empty(b, "privileges", "[\"select\"]");
    let (Some((owner, _)), Some(on), Some(roles), Some(privileges)) =
        (owner, on, roles, privileges)
    else {
        return;
    };
    let allowed = on.privileges();
    let mut privs: Vec<String> = Vec::new();
    for (p, span) in &privileges {
        let up = p.to_ascii_uppercase();
        if up == "ALL" || up == "ALL PRIVILEGES" {
            privs.extend(
                allowed
                    .iter()
                    .filter(|p| **p != "MAINTAIN")
                    .map(|s| s.to_string()),
            );
        } else if allowed.contains(&up.as_str()) {
            privs.push(up);
        } else {
            let lower: Vec<String> = allowed.iter().map(|s| s.to_ascii_lowercase()).collect();
            lw.push(
                Diag::new(
                    "config::invalid_value",
                    format!("`{p}` is not a privilege on {}", on.as_str()),
                )
                .at(span, "invalid privilege")
                .help(format!("valid privileges: {}, all", lower.join(", "))),
            );
        }
    }
    privs.sort_by_key(|p| privilege_rank(p));
    privs.dedup();
    for (role, _) in roles {
        match lw
            .model
            .default_privileges
            .iter_mut()
            .find(|d| d.owner == owner && d.schema == schema && d.on == on && d.role == role)
        {
            Some(d) => {
                d.privileges.extend(privs.iter().cloned());
                d.privileges.sort_by_key(|p| privilege_rank(p));
                d.privileges.dedup();
            }
            None => lw.model.default_privileges.push(DefaultPrivilege {
                owner: owner.clone(),
                schema: schema.clone(),
                on,
                role,
                privileges: privs.clone(),
            }),
        }
    }
}

fn target_kind(t: &GrantTarget) -> &'static str {
    match t {
        GrantTarget::Table(_) => "a table",
        GrantTarget::Function(_) => "a function",
        GrantTarget::Schema(_) => "a schema",
        GrantTarget::Sequence(_) => "a sequence",
    }
}

pub(super) fn lower_function(lw: &mut Lowerer, b: &mut Blk, addr: &Address) {
    let Address::Function(key) = addr else { return };
    // One of several functions sharing a name is keyed `name(types)`.
    let (q, overload) = match key.name.split_once('(') {
        Some((base, args)) => (
            &QName::new(key.schema.clone(), base),
            args.strip_suffix(')').map(str::to_string),
        ),
        None => (key, None),
    };
    b.addr = addr.to_string();
    lw.check_shape(
        b,
        &[
            "name",
            "schema",
            "returns",
            "language",
            "security",
            "volatility",
            "parallel",
            "strict",
            "search_path",
            "body",
            "comment",
            "renamed_from",
            "procedure",
            "rows",
            "depends_on",
        ],
        &["argument"],
    );
    lw.check_name_and_schema(b);
    let mut args = Vec::new();
    for nb in b.blocks.clone() {
        if nb.ident.value().as_str() != "argument" {
            continue;
        }
        let mut ab = Blk::new(nb, b.file);
        if !lw.check_labels(&ab, 1, "argument \"NAME\" { type = \"uuid\" }") {
            continue;
        }
        ab.addr = format!("{addr}.argument.{}", ab.label());
        lw.check_shape(&ab, &["type", "mode", "default"], &[]);
        // An empty label is an unnamed argument; several may be unnamed.
        if !ab.label().is_empty() && args.iter().any(|a: &FunctionArg| a.name == ab.label()) {
            lw.push(
                Diag::new(
                    "config::duplicate_label",
                    format!("argument `{}` is declared twice", ab.label()),
                )
                .at(ab.label_span(), "declared again here"),
            );
            continue;
        }
        let ty = lw.req_string(&ab, "type", "\"uuid\"");
        let mode = lw
            .choice(
                &ab,
                "mode",
                &[
                    ("in", ArgMode::In),
                    ("out", ArgMode::Out),
                    ("inout", ArgMode::Inout),
                    ("variadic", ArgMode::Variadic),
                ],
            )
            .unwrap_or_default();
        let default = lw.string(&ab, "default").map(|s| s.0);
        if let Some((ty, _)) = ty {
            args.push(FunctionArg {
                name: ab.label().to_string(),
                data_type: super::lower::canonical_type(&ty),
                mode,
                default,
            });
        }
    }
    // A procedure (`CALL name(…)`) returns nothing and has no volatility, strictness or
    // parallel safety.
    let procedure = lw.boolean(b, "procedure").unwrap_or(false);
    if procedure {
        for attr in ["returns", "volatility", "strict", "parallel"] {
            if let Some(a) = b.attr(attr) {
                lw.push(
                    Diag::new(
                        "config::conflicting_attributes",
                        format!("a procedure has no `{attr}`"),
                    )
                    .at(&super::lower::attr_span(a, b.file), "not for a procedure")
                    .help("remove it, or make this a function (without `procedure = true`)"),
                );
            }
        }
    }
    let returns = if procedure {
        Some((String::new(), b.head.clone()))
    } else {
        lw.req_string(b, "returns", "\"void\"")
    };
    let language = lw
        .string(b, "language")
        .map(|s| s.0.to_ascii_lowercase())
        .unwrap_or_else(|| "sql".into());
    let security = lw
        .choice(
            b,
            "security",
            &[
                ("invoker", Security::Invoker),
                ("definer", Security::Definer),
            ],
        )
        .unwrap_or_default();
    let volatility = lw
        .choice(
            b,
            "volatility",
            &[
                ("volatile", Volatility::Volatile),
                ("stable", Volatility::Stable),
                ("immutable", Volatility::Immutable),
            ],
        )
        .unwrap_or_default();
    let strict = lw.boolean(b, "strict").unwrap_or(false);
    let parallel = lw
        .choice(
            b,
            "parallel",
            &[
                ("safe", Some("safe")),
                ("restricted", Some("restricted")),
                ("unsafe", None),
            ],
        )
        .flatten()
        .map(str::to_string);
    let search_path = lw.string(b, "search_path").map(|s| s.0);
    // `rows = 1`: a set-returning function's row estimate (1000 is Postgres' default).
    let rows = lw
        .integer(b, "rows")
        .and_then(|n| match u32::try_from(n) {
            Ok(n) if n > 0 => Some(n),
            _ => {
                if let Some(a) = b.attr("rows") {
                    lw.push(
                        Diag::new(
                            "config::invalid_value",
                            format!("`{n}` is not a row estimate"),
                        )
                        .at(
                            &super::lower::attr_span(a, b.file),
                            "not a positive whole number",
                        ),
                    );
                }
                None
            }
        })
        .filter(|n| *n != 1000);
    let body = lw.req_string(b, "body", "<<-SQL ... SQL");
    let comment = lw.string(b, "comment").map(|s| s.0);
    let renamed_from = lw.string(b, "renamed_from").map(|s| s.0);
    lw.depends_on(b, addr);
    if let (Some((returns, _)), Some((body, _))) = (returns, body) {
        lw.model.functions.insert(
            key.clone(),
            Function {
                name: q.clone(),
                args,
                returns: if procedure {
                    returns
                } else {
                    super::lower::canonical_type(&returns)
                },
                language,
                security,
                volatility,
                strict,
                parallel,
                search_path,
                body,
                comment,
                renamed_from,
                procedure,
                rows,
                overload,
            },
        );
    }
}

pub(super) fn lower_trigger(lw: &mut Lowerer, b: &mut Blk) {
    lw.check_shape(
        b,
        &[
            "name",
            "table",
            "timing",
            "events",
            "update_of",
            "level",
            "when",
            "function",
            "arguments",
            "depends_on",
        ],
        &[],
    );
    let name = lw
        .string(b, "name")
        .map(|s| s.0)
        .unwrap_or_else(|| b.label().to_string());
    let provisional = Address::Trigger(QName::new("", ""), name.clone());
    let table = lw.table_target(b, "table", &provisional);
    let addr = table
        .as_ref()
        .map(|t| Address::Trigger(t.clone(), name.clone()))
        .unwrap_or(provisional.clone());
    for d in lw.deps.iter_mut().filter(|d| d.from == provisional) {
        d.from = addr.clone();
    }
    b.addr = addr.to_string();
    let timing = if b.attr("timing").is_none() {
        lw.push(
            Diag::new(
                "config::missing_attribute",
                format!(
                    "{} is missing the required attribute `timing`",
                    b.describe()
                ),
            )
            .at(&b.head, "needs `timing`")
            .help("add timing = \"after\" (before, after or instead of)"),
        );
        None
    } else {
        lw.choice(
            b,
            "timing",
            &[
                ("before", TriggerTiming::Before),
                ("after", TriggerTiming::After),
                ("instead of", TriggerTiming::InsteadOf),
            ],
        )
    };
    let mut events = Vec::new();
    if let Some(ev) = lw.req_strings(b, "events", "[\"insert\"]") {
        for (e, span) in ev {
            if let Some(x) = lw.pick(
                &e,
                &span,
                "trigger event",
                &[
                    ("insert", TriggerEvent::Insert),
                    ("update", TriggerEvent::Update),
                    ("delete", TriggerEvent::Delete),
                    ("truncate", TriggerEvent::Truncate),
                ],
            ) {
                events.push(x);
            }
        }
    }
    events.sort();
    let update_of: Vec<String> = lw
        .strings(b, "update_of")
        .unwrap_or_default()
        .into_iter()
        .map(|x| x.0)
        .collect();
    let for_each_row = lw
        .choice(b, "level", &[("row", true), ("statement", false)])
        .unwrap_or(true);
    let when = lw.string(b, "when").map(|s| s.0);
    let arguments: Vec<String> = lw
        .strings(b, "arguments")
        .unwrap_or_default()
        .into_iter()
        .map(|x| x.0)
        .collect();
    let function = if b.attr("function").is_none() {
        lw.push(
            Diag::new(
                "config::missing_attribute",
                format!(
                    "{} is missing the required attribute `function`",
                    b.describe()
                ),
            )
            .at(&b.head, "needs `function`")
            .help("add function = function.NAME"),
        );
        None
    } else {
        match lw.reference(b, "function") {
            Some((Value::Ref(r), span)) => {
                match lw.resolve(&r, &span, &["function"]) {
                    Some(a @ Address::Function(_)) => {
                        lw.dep(&addr, a.clone(), &span);
                        match a {
                            Address::Function(q) => {
                                if let Some(f) = lw.model.functions.get(&q) {
                                    if f.returns != "trigger" {
                                        lw.push(
                                        Diag::new(
                                            "config::invalid_reference",
                                            format!("function {q} returns {}, not trigger", f.returns),
                                        )
                                        .at(&span, "not a trigger function")
                                        .help("a trigger's function must have returns = \"trigger\""),
                                    );
                                    }
                                }
                                Some(q)
                            }
                            _ => None,
                        }
                    }
                    _ => None,
                }
            }
            Some((Value::String(s), span)) => match s.split_once('.') {
                Some((sc, n)) if !sc.is_empty() && !n.is_empty() => Some(QName::new(sc, n)),
                _ => {
                    lw.push(
                        Diag::new(
                            "config::invalid_value",
                            format!("`{s}` does not name a function"),
                        )
                        .at(&span, "expected schema.function")
                        .help("use function.LABEL for a function declared in the config"),
                    );
                    None
                }
            },
            _ => None,
        }
    };
    lw.depends_on(b, &addr);
    let (Some(table), Some(timing), Some(function)) = (table, timing, function) else {
        return;
    };
    if events.is_empty() {
        return;
    }
    if !update_of.is_empty() && !events.contains(&TriggerEvent::Update) {
        lw.push(
            Diag::new(
                "config::conflicting_attributes",
                "`update_of` needs the update event",
            )
            .at(
                &b.attr("update_of")
                    .map(|a| attr_span(a, b.file))
                    .unwrap_or(b.head.clone()),
                "update_of without update",
            )
            .help("add \"update\" to events, or remove update_of"),
        );
    }
    lw.model.triggers.insert(
        (table.clone(), name.clone()),
        Trigger {
            table,
            name,
            timing,
            events,
            update_of,
            for_each_row,
            when,
            function,
            arguments,
        },
    );
}

pub(super) fn lower_view(lw: &mut Lowerer, b: &mut Blk, addr: &Address) {
    let Address::View(q) = addr else { return };
    b.addr = addr.to_string();
    lw.check_shape(
        b,
        &[
            "name",
            "schema",
            "query",
            "security_invoker",
            "check_option",
            "comment",
            "materialized",
            "depends_on",
        ],
        &["index"],
    );
    lw.check_name_and_schema(b);
    let query = lw.req_string(b, "query", "\"select ...\"");
    let materialized = lw.boolean(b, "materialized").unwrap_or(false);
    if materialized {
        for attr in ["security_invoker", "check_option"] {
            if let Some(a) = b.attr(attr) {
                lw.push(
                    Diag::new(
                        "config::conflicting_attributes",
                        format!("a materialized view has no `{attr}`"),
                    )
                    .at(&super::lower::attr_span(a, b.file), "not for a materialized view")
                    .help("a materialized view stores its rows: who reads them is decided by its grants"),
                );
            }
        }
    }
    // Indexes, of a materialized view only (Postgres checks their columns when the
    // configuration is normalised).
    let mut indexes: Vec<Index> = Vec::new();
    for nb in b.blocks.clone() {
        if nb.ident.value().as_str() != "index" {
            continue;
        }
        let mut ib = Blk::new(nb, b.file);
        if !lw.check_labels(&ib, 1, "index \"NAME\" { columns = [\"column\"] }") {
            continue;
        }
        if !materialized {
            lw.push(
                Diag::new("config::conflicting_attributes", "a view has no indexes")
                    .at(&ib.head, "index of a plain view")
                    .help("add materialized = true, or index the tables the view reads"),
            );
            continue;
        }
        let name = ib.label().to_string();
        if indexes.iter().any(|i| i.name == name) {
            lw.push(
                Diag::new(
                    "config::duplicate_label",
                    format!("index `{name}` is declared twice"),
                )
                .at(ib.label_span(), "declared again here"),
            );
            continue;
        }
        ib.addr = Address::TablePart(q.clone(), "index", name.clone()).to_string();
        let known = std::collections::BTreeSet::new();
        if let Some(i) = super::lower::lower_index(
            lw,
            &ib,
            name,
            &known,
            &mut |_: &mut Lowerer, _: &[_], _: &str| true,
        ) {
            indexes.push(i);
        }
    }
    indexes.sort_by(|a, b| a.name.cmp(&b.name));
    let security_invoker = lw.boolean(b, "security_invoker").unwrap_or(false);
    let check_option = lw
        .choice(
            b,
            "check_option",
            &[("local", "local"), ("cascaded", "cascaded")],
        )
        .map(str::to_string);
    let comment = lw.string(b, "comment").map(|s| s.0);
    lw.depends_on(b, addr);
    if let Some((query, _)) = query {
        lw.model.views.insert(
            q.clone(),
            View {
                name: q.clone(),
                query: query.trim().to_string(),
                security_invoker,
                check_option,
                comment,
                materialized,
                indexes,
            },
        );
    }
}

pub(super) fn lower_secret(lw: &mut Lowerer, b: &mut Blk) {
    let name = b.label().to_string();
    b.addr = Address::Secret(name.clone()).to_string();
    lw.check_shape(b, &["value", "depends_on"], &[]);
    if !name
        .chars()
        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
        || name.starts_with("SUPABASE_")
    {
        lw.push(
            Diag::new(
                "config::invalid_value",
                format!("`{name}` is not a valid secret name"),
            )
            .at(b.label_span(), "invalid name")
            .help("secret names are UPPER_SNAKE_CASE and must not start with SUPABASE_ (reserved by Supabase)"),
        );
    }
    if b.attr("value").is_none() {
        lw.push(
            Diag::new(
                "config::missing_attribute",
                format!("{} is missing the required attribute `value`", b.describe()),
            )
            .at(&b.head, "needs `value`")
            .help(format!("add value = env(\"{name}\")")),
        );
        return;
    }
    let v = lw.ev.deferring_env(|| lw.val(b, "value"));
    lw.depends_on(b, &Address::Secret(name.clone()));
    let Some(v) = v else { return };
    let (value, missing_env) = match v.value {
        Value::String(s) => (Some(Sensitive::new(s)), None),
        Value::Unknown(var) => (None, Some(var)),
        other => {
            lw.push(
                Diag::new(
                    "config::wrong_type",
                    format!("`value` must be a string, not {}", a_type(&other)),
                )
                .at(&v.span, "expected a string"),
            );
            return;
        }
    };
    lw.model.secrets.insert(
        name.clone(),
        Secret {
            name,
            value,
            missing_env,
        },
    );
}

pub(super) fn lower_edge_function(lw: &mut Lowerer, b: &mut Blk) {
    let slug = b.label().to_string();
    let addr = Address::EdgeFunction(slug.clone());
    b.addr = addr.to_string();
    lw.check_shape(
        b,
        &[
            "name",
            "source",
            "entrypoint",
            "verify_jwt",
            "import_map",
            "static_files",
            "depends_on",
        ],
        &[],
    );
    let slug_ok = !slug.is_empty()
        && slug
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        && slug.chars().next().is_some_and(|c| c.is_ascii_alphabetic());
    if !slug_ok {
        lw.push(
            Diag::new(
                "config::invalid_value",
                format!("`{slug}` is not a valid Edge Function slug"),
            )
            .at(b.label_span(), "invalid slug")
            .help("a slug starts with a letter and holds letters, digits, - and _"),
        );
    }
    let name = lw
        .string(b, "name")
        .map(|s| s.0)
        .unwrap_or_else(|| slug.clone());
    let source = lw.req_string(b, "source", "\"functions/NAME\"");
    let entrypoint = lw
        .string(b, "entrypoint")
        .map(|s| s.0)
        .unwrap_or_else(|| "index.ts".into());
    let verify_jwt = lw.boolean(b, "verify_jwt").unwrap_or(true);
    let import_map = lw.string(b, "import_map");
    let static_files: Vec<String> = lw
        .strings(b, "static_files")
        .unwrap_or_default()
        .into_iter()
        .map(|x| x.0)
        .collect();
    let deps = lw.depends_on(b, &addr);
    let Some((source, source_span)) = source else {
        return;
    };
    let dir = lw.config_dir.join(&source);
    if !dir.is_dir() {
        lw.push(
            Diag::new(
                "config::missing_source",
                format!("the Edge Function source directory `{source}` does not exist"),
            )
            .at(&source_span, "no such directory")
            .help(format!(
                "paths are relative to the config directory ({})",
                lw.config_dir.display()
            )),
        );
    } else {
        if !dir.join(&entrypoint).is_file() {
            let span = b
                .attr("entrypoint")
                .map(|a| attr_span(a, b.file))
                .unwrap_or(source_span.clone());
            lw.push(
                Diag::new(
                    "config::missing_source",
                    format!("the entrypoint `{entrypoint}` does not exist in `{source}`"),
                )
                .at(&span, "missing entrypoint")
                .help("set entrypoint to the file that calls Deno.serve"),
            );
        }
        if let Some((m, span)) = &import_map {
            if !dir.join(m).is_file() {
                lw.push(
                    Diag::new(
                        "config::missing_source",
                        format!("the import map `{m}` does not exist in `{source}`"),
                    )
                    .at(span, "missing import map"),
                );
            }
        }
    }
    let secrets = deps
        .iter()
        .filter_map(|a| match a {
            Address::Secret(s) => Some(s.clone()),
            _ => None,
        })
        .collect();
    lw.model.edge_functions.insert(
        slug.clone(),
        EdgeFunction {
            slug,
            name,
            source,
            entrypoint,
            verify_jwt,
            import_map: import_map.map(|m| m.0),
            static_files,
            secrets,
        },
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse_with_postgres_units() {
        assert_eq!(parse_duration_ms("5s"), Some(5000));
        assert_eq!(parse_duration_ms("500ms"), Some(500));
        assert_eq!(parse_duration_ms("2min"), Some(120_000));
        assert_eq!(parse_duration_ms("250"), Some(250));
        assert_eq!(parse_duration_ms("5 parsecs"), None);
        assert_eq!(parse_duration_ms(""), None);
    }
}
