//! SQL for each kind of object: how to create, alter and drop it. One function per
//! statement kind; every identifier and literal goes through [`crate::quote`]. Types,
//! expressions, view queries and function bodies are SQL written by the user and are passed
//! through as SQL (that is what they are); they are always wrapped so they cannot change the
//! shape of the surrounding statement (parentheses for expressions, dollar quoting for
//! bodies).

mod buckets;
mod collations;
mod partitions;
mod sequences;
mod types;

pub use buckets::*;
pub use collations::*;
pub use partitions::*;
pub use sequences::*;
pub use types::*;

use crate::model::*;
use crate::quote::{dollar, ident, ident_list, literal, qualified, search_path};
use std::collections::BTreeSet;

pub fn create_schema(s: &Schema) -> String {
    format!("CREATE SCHEMA IF NOT EXISTS {}", ident(&s.name))
}

pub fn drop_schema(name: &str) -> String {
    format!("DROP SCHEMA {}", ident(name))
}

pub fn create_extension(e: &Extension) -> String {
    // An extension whose control file names its own schema (pgmq in `pgmq`) creates that
    // schema itself; `WITH SCHEMA` would require it to exist already.
    let own = crate::model::EXTENSION_SCHEMAS.iter().any(|(x, s)| {
        *x == e.name
            && *s == e.schema
            && matches!(*x, "pgmq" | "pgsodium" | "supabase_vault" | "pg_graphql")
    });
    let mut s = if own {
        format!("CREATE EXTENSION IF NOT EXISTS {}", ident(&e.name))
    } else {
        format!(
            "CREATE EXTENSION IF NOT EXISTS {} WITH SCHEMA {}",
            ident(&e.name),
            ident(&e.schema)
        )
    };
    if let Some(v) = &e.version {
        s.push_str(&format!(" VERSION {}", literal(v)));
    }
    s
}

pub fn drop_extension(name: &str) -> String {
    format!("DROP EXTENSION {}", ident(name))
}

pub fn create_enum(e: &Enum) -> String {
    let values: Vec<String> = e.values.iter().map(|v| literal(v)).collect();
    format!(
        "CREATE TYPE {} AS ENUM ({})",
        e.name.sql(),
        values.join(", ")
    )
}

/// `ALTER TYPE … ADD VALUE`, placed before the value it precedes in the desired order (or
/// at the end). Must commit before the new value is used.
pub fn add_enum_value(e: &QName, value: &str, before: Option<&str>) -> String {
    let mut s = format!("ALTER TYPE {} ADD VALUE {}", e.sql(), literal(value));
    if let Some(b) = before {
        s.push_str(&format!(" BEFORE {}", literal(b)));
    }
    s
}

pub fn rename_enum_value(e: &QName, from: &str, to: &str) -> String {
    format!(
        "ALTER TYPE {} RENAME VALUE {} TO {}",
        e.sql(),
        literal(from),
        literal(to)
    )
}

pub fn drop_type(e: &QName) -> String {
    format!("DROP TYPE {}", e.sql())
}

pub fn rename_type(from: &QName, to_name: &str) -> String {
    format!("ALTER TYPE {} RENAME TO {}", from.sql(), ident(to_name))
}

/// A column's type as SQL: the enum's quoted name, or the type as written.
pub fn column_type(c: &Column) -> String {
    match &c.enum_type {
        Some(q) => q.sql(),
        None => c.data_type.clone(),
    }
}

/// A column definition as it appears in `CREATE TABLE` and `ADD COLUMN`.
pub fn column_def(c: &Column) -> String {
    let mut s = format!("{} {}", ident(&c.name), column_type(c));
    if let Some(coll) = &c.collation {
        s.push_str(&format!(" COLLATE {}", collation(coll)));
    }
    if let Some(g) = &c.generated {
        s.push_str(&format!(" GENERATED ALWAYS AS ({g}) STORED"));
    }
    if let Some(i) = c.identity {
        s.push_str(&format!(
            " GENERATED {} AS IDENTITY{}",
            i.as_str().to_uppercase(),
            identity_options(c)
        ));
    }
    if let Some(d) = &c.default {
        s.push_str(&format!(" DEFAULT {}", default_sql(d)));
    }
    if !c.nullable {
        s.push_str(" NOT NULL");
    }
    s
}

/// A default as SQL: expressions parenthesised so they cannot end the clause early.
fn default_sql(d: &DefaultValue) -> String {
    match d {
        DefaultValue::Sql(e) => format!("({e})"),
        other => other.to_sql(),
    }
}

/// A collation name: `"C"`, or a schema-qualified `pg_catalog."default"`.
pub fn collation(name: &str) -> String {
    match name.split_once('.') {
        Some((schema, n)) if !schema.starts_with('"') => qualified(schema, unquote(n)),
        _ => ident(unquote(name)),
    }
}

fn unquote(s: &str) -> &str {
    s.strip_prefix('"')
        .and_then(|x| x.strip_suffix('"'))
        .unwrap_or(s)
}

/// `CREATE TABLE` with columns, primary key, unique and check constraints. Foreign keys,
/// indexes, RLS and comments are separate statements (see [`create_table_all`]).
pub fn create_table(t: &Table) -> String {
    let mut parts: Vec<String> = t.columns.iter().map(column_def).collect();
    if let Some(pk) = &t.primary_key {
        parts.push(primary_key_clause(t, pk));
    }
    for u in &t.uniques {
        parts.push(unique_clause(u));
    }
    for c in &t.checks {
        parts.push(format!(
            "CONSTRAINT {} CHECK ({}){}",
            ident(&c.name),
            c.expression,
            if c.no_inherit { " NO INHERIT" } else { "" }
        ));
    }
    for x in &t.exclusions {
        parts.push(exclusion_clause(x));
    }
    let by = t
        .partition_by
        .as_deref()
        .map(|k| format!(" PARTITION BY {k}"))
        .unwrap_or_default();
    if let Some(p) = &t.partition_of {
        // The columns are the parent's; only the partition's own constraints are listed.
        let own = if parts.is_empty() {
            String::new()
        } else {
            format!(" (\n  {}\n)", parts.join(",\n  "))
        };
        return format!(
            "CREATE TABLE {} PARTITION OF {}{own} {}{by}",
            t.name.sql(),
            p.parent.sql(),
            p.bound
        );
    }
    let unlogged = if t.unlogged { "UNLOGGED " } else { "" };
    let by = if t.inherits.is_empty() {
        by
    } else {
        let parents: Vec<String> = t.inherits.iter().map(QName::sql).collect();
        format!(" INHERITS ({}){by}", parents.join(", "))
    };
    if parts.is_empty() {
        return format!("CREATE {unlogged}TABLE {} (){by}", t.name.sql());
    }
    format!(
        "CREATE {unlogged}TABLE {} (\n  {}\n){by}",
        t.name.sql(),
        parts.join(",\n  ")
    )
}

fn primary_key_clause(t: &Table, pk: &PrimaryKey) -> String {
    let name = pk
        .name
        .clone()
        .unwrap_or_else(|| crate::config::default_constraint_name(&t.name.name, "pkey"));
    format!(
        "CONSTRAINT {} PRIMARY KEY ({}){}",
        ident(&name),
        ident_list(&pk.columns),
        pk.deferrable.sql()
    )
}

fn unique_clause(u: &Unique) -> String {
    format!(
        "CONSTRAINT {} UNIQUE{} ({}){}",
        ident(&u.name),
        if u.nulls_not_distinct {
            " NULLS NOT DISTINCT"
        } else {
            ""
        },
        ident_list(&u.columns),
        u.deferrable.sql()
    )
}

/// `CONSTRAINT name EXCLUDE …`: the definition is SQL the configuration holds (normalised
/// through Postgres), as a check's expression is.
fn exclusion_clause(x: &Exclusion) -> String {
    format!("CONSTRAINT {} EXCLUDE {}", ident(&x.name), x.definition)
}

pub fn add_exclusion(t: &QName, x: &Exclusion) -> String {
    format!("ALTER TABLE {} ADD {}", t.sql(), exclusion_clause(x))
}

/// Every statement that creates a new table with everything it owns except its foreign
/// keys (which may reference tables created later): the table, its indexes, RLS and
/// comments.
pub fn create_table_all(t: &Table) -> Vec<String> {
    let mut out = vec![create_table(t)];
    for i in &t.indexes {
        out.push(create_index(&t.name, i, false));
    }
    out.extend(table_extras(t));
    out
}

/// RLS and comments of a new table.
pub fn table_extras(t: &Table) -> Vec<String> {
    let mut out = Vec::new();
    if t.rls.enabled {
        out.push(set_rls(&t.name, true));
    }
    if t.rls.force {
        out.push(set_force_rls(&t.name, true));
    }
    if let Some(c) = &t.comment {
        out.push(comment_on("TABLE", &t.name.sql(), Some(c)));
    }
    for c in &t.columns {
        if let Some(text) = &c.comment {
            out.push(comment_on(
                "COLUMN",
                &format!("{}.{}", t.name.sql(), ident(&c.name)),
                Some(text),
            ));
        }
    }
    out
}

pub fn drop_table(t: &QName) -> String {
    format!("DROP TABLE {}", t.sql())
}

pub fn rename_table(from: &QName, to_name: &str) -> String {
    format!("ALTER TABLE {} RENAME TO {}", from.sql(), ident(to_name))
}

pub fn add_column(t: &QName, c: &Column) -> String {
    format!("ALTER TABLE {} ADD COLUMN {}", t.sql(), column_def(c))
}

pub fn drop_column(t: &QName, column: &str) -> String {
    format!("ALTER TABLE {} DROP COLUMN {}", t.sql(), ident(column))
}

/// `ALTER TABLE ONLY … DROP COLUMN`: the tables inheriting it keep the column as their own.
pub fn drop_column_only(t: &QName, column: &str) -> String {
    format!("ALTER TABLE ONLY {} DROP COLUMN {}", t.sql(), ident(column))
}

pub fn rename_column(t: &QName, from: &str, to: &str) -> String {
    format!(
        "ALTER TABLE {} RENAME COLUMN {} TO {}",
        t.sql(),
        ident(from),
        ident(to)
    )
}

/// `ALTER COLUMN … TYPE`, converting existing values with `USING col::type`. An enum on
/// either side has no cast to or from other types but its text form (`col::text::type`),
/// which is how Postgres converts between two enums with the same labels.
pub fn alter_column_type(t: &QName, from: &Column, c: &Column) -> String {
    let ty = column_type(c);
    let via = if (from.enum_type.is_some() || c.enum_type.is_some()) && ty != "text" {
        "::text"
    } else {
        ""
    };
    format!(
        "ALTER TABLE {} ALTER COLUMN {} TYPE {ty} USING {}{via}::{ty}",
        t.sql(),
        ident(&c.name),
        ident(&c.name)
    )
}

pub fn set_default(t: &QName, column: &str, d: Option<&DefaultValue>) -> String {
    match d {
        Some(d) => format!(
            "ALTER TABLE {} ALTER COLUMN {} SET DEFAULT {}",
            t.sql(),
            ident(column),
            default_sql(d)
        ),
        None => format!(
            "ALTER TABLE {} ALTER COLUMN {} DROP DEFAULT",
            t.sql(),
            ident(column)
        ),
    }
}

pub fn set_not_null(t: &QName, column: &str, not_null: bool) -> String {
    format!(
        "ALTER TABLE {} ALTER COLUMN {} {} NOT NULL",
        t.sql(),
        ident(column),
        if not_null { "SET" } else { "DROP" }
    )
}

pub fn add_primary_key(t: &Table, pk: &PrimaryKey) -> String {
    format!(
        "ALTER TABLE {} ADD {}",
        t.name.sql(),
        primary_key_clause(t, pk)
    )
}

/// A foreign key; `not_valid` adds it without checking existing rows (lock-safe on a
/// populated table; follow with [`validate_constraint`]).
pub fn add_foreign_key(t: &QName, fk: &ForeignKey, not_valid: bool) -> String {
    let mut s = format!(
        "ALTER TABLE {} ADD CONSTRAINT {} FOREIGN KEY ({}) REFERENCES {} ({})",
        t.sql(),
        ident(&fk.name),
        ident_list(&fk.columns),
        fk.ref_table.sql(),
        ident_list(&fk.ref_columns)
    );
    if fk.on_update != FkAction::NoAction {
        s.push_str(&format!(" ON UPDATE {}", fk.on_update.sql()));
    }
    if fk.on_delete != FkAction::NoAction {
        s.push_str(&format!(" ON DELETE {}", fk.on_delete.sql()));
    }
    s.push_str(fk.deferrable.sql());
    if not_valid {
        s.push_str(" NOT VALID");
    }
    s
}

pub fn add_unique(t: &QName, u: &Unique) -> String {
    format!("ALTER TABLE {} ADD {}", t.sql(), unique_clause(u))
}

pub fn add_check(t: &QName, c: &Check, not_valid: bool) -> String {
    format!(
        "ALTER TABLE {} ADD CONSTRAINT {} CHECK ({}){}{}",
        t.sql(),
        ident(&c.name),
        c.expression,
        if c.no_inherit { " NO INHERIT" } else { "" },
        if not_valid { " NOT VALID" } else { "" }
    )
}

pub fn validate_constraint(t: &QName, name: &str) -> String {
    format!(
        "ALTER TABLE {} VALIDATE CONSTRAINT {}",
        t.sql(),
        ident(name)
    )
}

pub fn drop_constraint(t: &QName, name: &str) -> String {
    format!("ALTER TABLE {} DROP CONSTRAINT {}", t.sql(), ident(name))
}

pub fn drop_constraint_if_exists(t: &QName, name: &str) -> String {
    format!(
        "ALTER TABLE {} DROP CONSTRAINT IF EXISTS {}",
        t.sql(),
        ident(name)
    )
}

/// An index expression as an index element: the expression in parentheses, with trailing
/// element options (`DESC`, `NULLS LAST`, an operator class such as `gin_trgm_ops`, as
/// introspection writes them: `created_at DESC`) left outside.
fn index_element(e: &str) -> String {
    let (expr, options) = split_index_options(e);
    if options.is_empty() {
        format!("({expr})")
    } else {
        format!("({expr}) {options}")
    }
}

/// Split `expr [opclass] [ASC|DESC] [NULLS FIRST|LAST]` at the options. Only words outside
/// parentheses and quotes count; an operator class is recognised by its `_ops` suffix.
pub fn split_index_options(e: &str) -> (&str, &str) {
    let e = e.trim();
    // Byte offsets where top-level words start.
    let mut starts = vec![];
    let (mut depth, mut sq, mut dq) = (0i32, false, false);
    let mut prev_space = true;
    for (i, c) in e.char_indices() {
        match c {
            '\'' if !dq => sq = !sq,
            '"' if !sq => dq = !dq,
            '(' | '[' if !sq && !dq => depth += 1,
            ')' | ']' if !sq && !dq => depth -= 1,
            _ => {}
        }
        let top = depth == 0 && !sq && !dq;
        if c.is_whitespace() {
            prev_space = top;
        } else {
            if prev_space && top && i > 0 {
                starts.push(i);
            }
            prev_space = false;
        }
    }
    let word = |i: usize| -> &str {
        let end = starts.iter().find(|&&s| s > i).copied().unwrap_or(e.len());
        e[i..end].trim()
    };
    let mut cut = e.len();
    let mut k = starts.len();
    // NULLS FIRST | NULLS LAST
    if k >= 2 {
        let (a, b) = (word(starts[k - 2]), word(starts[k - 1]));
        if a.eq_ignore_ascii_case("nulls")
            && (b.eq_ignore_ascii_case("first") || b.eq_ignore_ascii_case("last"))
        {
            cut = starts[k - 2];
            k -= 2;
        }
    }
    if k >= 1 {
        let w = word(starts[k - 1]);
        if w.eq_ignore_ascii_case("asc") || w.eq_ignore_ascii_case("desc") {
            cut = starts[k - 1];
            k -= 1;
        }
    }
    if k >= 1 {
        let w = word(starts[k - 1]);
        let is_name = w
            .split('.')
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'));
        if is_name && w.to_ascii_lowercase().ends_with("_ops") {
            cut = starts[k - 1];
        }
    }
    (e[..cut].trim_end(), e[cut..].trim())
}

pub fn create_index(t: &QName, i: &Index, concurrently: bool) -> String {
    let parts: Vec<String> = i
        .parts
        .iter()
        .map(|p| match p {
            IndexPart::Column(c) => ident(c),
            IndexPart::Expression(e) => index_element(e),
        })
        .collect();
    let mut s = format!(
        "CREATE {}INDEX {}{} ON {}",
        if i.unique { "UNIQUE " } else { "" },
        if concurrently { "CONCURRENTLY " } else { "" },
        ident(&i.name),
        t.sql()
    );
    if i.method != "btree" && !i.method.is_empty() {
        s.push_str(&format!(" USING {}", ident(&i.method)));
    }
    s.push_str(&format!(" ({})", parts.join(", ")));
    if !i.include.is_empty() {
        s.push_str(&format!(" INCLUDE ({})", ident_list(&i.include)));
    }
    if let Some(p) = &i.predicate {
        s.push_str(&format!(" WHERE ({p})"));
    }
    s
}

pub fn drop_index(schema: &str, name: &str, concurrently: bool) -> String {
    format!(
        "DROP INDEX {}{}",
        if concurrently { "CONCURRENTLY " } else { "" },
        qualified(schema, name)
    )
}

pub fn set_rls(t: &QName, enabled: bool) -> String {
    format!(
        "ALTER TABLE {} {} ROW LEVEL SECURITY",
        t.sql(),
        if enabled { "ENABLE" } else { "DISABLE" }
    )
}

/// `ALTER TABLE … REPLICA IDENTITY DEFAULT | FULL | NOTHING | USING INDEX …`.
pub fn set_replica_identity(t: &QName, to: Option<&ReplicaIdentity>) -> String {
    let what = match to {
        None => "DEFAULT".to_string(),
        Some(ReplicaIdentity::Full) => "FULL".to_string(),
        Some(ReplicaIdentity::Nothing) => "NOTHING".to_string(),
        Some(ReplicaIdentity::Index(i)) => format!("USING INDEX {}", ident(i)),
    };
    format!("ALTER TABLE {} REPLICA IDENTITY {what}", t.sql())
}

/// Supabase Realtime's publication: `ALTER PUBLICATION supabase_realtime ADD|DROP TABLE`.
pub fn set_realtime(t: &QName, realtime: bool) -> String {
    format!(
        "ALTER PUBLICATION supabase_realtime {} TABLE {}",
        if realtime { "ADD" } else { "DROP" },
        t.sql()
    )
}

pub fn set_force_rls(t: &QName, force: bool) -> String {
    format!(
        "ALTER TABLE {} {}FORCE ROW LEVEL SECURITY",
        t.sql(),
        if force { "" } else { "NO " }
    )
}

/// `COMMENT ON KIND target IS 'text'` (or `IS NULL` to remove it).
pub fn comment_on(kind: &str, target: &str, text: Option<&str>) -> String {
    format!(
        "COMMENT ON {kind} {target} IS {}",
        text.map(literal).unwrap_or_else(|| "NULL".to_string())
    )
}

/// A role in a `TO` list: `PUBLIC` is a keyword, every other role a quoted identifier.
fn role(r: &str) -> String {
    if r.eq_ignore_ascii_case("public") {
        "PUBLIC".to_string()
    } else {
        ident(r)
    }
}

fn roles(rs: &[String]) -> String {
    rs.iter().map(|r| role(r)).collect::<Vec<_>>().join(", ")
}

pub fn create_policy(p: &Policy) -> String {
    let mut s = format!(
        "CREATE POLICY {} ON {} AS {} FOR {} TO {}",
        ident(&p.name),
        p.table.sql(),
        if p.permissive {
            "PERMISSIVE"
        } else {
            "RESTRICTIVE"
        },
        p.command.as_str().to_uppercase(),
        roles(&p.roles)
    );
    if let Some(u) = &p.using {
        s.push_str(&format!(" USING ({u})"));
    }
    if let Some(c) = &p.check {
        s.push_str(&format!(" WITH CHECK ({c})"));
    }
    s
}

/// `ALTER POLICY` for a change of roles, `USING` or `WITH CHECK` (the command and
/// permissiveness cannot be altered: those need a drop and create).
pub fn alter_policy(p: &Policy) -> String {
    let mut s = format!(
        "ALTER POLICY {} ON {} TO {}",
        ident(&p.name),
        p.table.sql(),
        roles(&p.roles)
    );
    if let Some(u) = &p.using {
        s.push_str(&format!(" USING ({u})"));
    }
    if let Some(c) = &p.check {
        s.push_str(&format!(" WITH CHECK ({c})"));
    }
    s
}

pub fn rename_policy(t: &QName, from: &str, to: &str) -> String {
    format!(
        "ALTER POLICY {} ON {} RENAME TO {}",
        ident(from),
        t.sql(),
        ident(to)
    )
}

pub fn drop_policy(t: &QName, name: &str) -> String {
    format!("DROP POLICY {} ON {}", ident(name), t.sql())
}

fn grant_object(t: &GrantTarget) -> String {
    match t {
        GrantTarget::Table(q) => format!("TABLE {}", q.sql()),
        GrantTarget::Sequence(q) => format!("SEQUENCE {}", q.sql()),
        GrantTarget::Schema(s) => format!("SCHEMA {}", ident(s)),
        // Functions are granted by name alone: valid while the name is not overloaded,
        // which supaform's model (one function per name) guarantees.
        // `ROUTINE`: a function or a procedure.
        GrantTarget::Function(q) => format!("ROUTINE {}", routine_ref(q)),
    }
}

/// Privilege keywords come from a closed list (checked by the loader and the catalog);
/// anything else is refused rather than spliced into SQL.
fn privilege_list<'a>(g: &Grant, privileges: impl IntoIterator<Item = &'a String>) -> String {
    let privs: Vec<String> = privileges
        .into_iter()
        .filter(|p| crate::model::privilege_rank(p) != usize::MAX)
        .map(|p| {
            if g.columns.is_empty() {
                p.clone()
            } else {
                format!("{p} ({})", ident_list(&g.columns))
            }
        })
        .collect();
    privs.join(", ")
}

/// `GRANT …`: one statement, or two when only some privileges carry the grant option.
pub fn grant(g: &Grant) -> Vec<String> {
    let on = grant_object(&g.target);
    let to = role(&g.role);
    let plain: Vec<&String> = g
        .privileges
        .iter()
        .filter(|p| !g.grantable.contains(p))
        .collect();
    let mut out = Vec::new();
    if !plain.is_empty() {
        out.push(format!(
            "GRANT {} ON {on} TO {to}",
            privilege_list(g, plain)
        ));
    }
    if !g.grantable.is_empty() {
        out.push(format!(
            "GRANT {} ON {on} TO {to} WITH GRANT OPTION",
            privilege_list(g, &g.grantable)
        ));
    }
    out
}

/// `ALTER DEFAULT PRIVILEGES FOR ROLE owner [IN SCHEMA s] GRANT|REVOKE … ON kind TO|FROM
/// role`, as `owner` sees it; `for_role` overrides the owner (normalisation applies a
/// target's defaults to the dev database's own role).
pub fn alter_default_privileges(
    d: &DefaultPrivilege,
    grant: bool,
    for_role: Option<&str>,
) -> String {
    let allowed = d.on.privileges();
    let privs: Vec<&str> = d
        .privileges
        .iter()
        .map(String::as_str)
        .filter(|p| allowed.contains(p))
        .collect();
    let mut s = format!(
        "ALTER DEFAULT PRIVILEGES FOR ROLE {}",
        ident(for_role.unwrap_or(&d.owner))
    );
    if let Some(schema) = &d.schema {
        s.push_str(&format!(" IN SCHEMA {}", ident(schema)));
    }
    let list = if privs.is_empty() {
        "ALL".to_string()
    } else {
        privs.join(", ")
    };
    let kind = d.on.as_str().to_ascii_uppercase();
    if grant {
        s.push_str(&format!(" GRANT {list} ON {kind} TO {}", role(&d.role)));
    } else {
        s.push_str(&format!(" REVOKE {list} ON {kind} FROM {}", role(&d.role)));
    }
    s
}

/// `REVOKE …`: the privileges outright, and `REVOKE GRANT OPTION FOR` those of
/// `grantable` (which stay granted).
pub fn revoke(g: &Grant) -> Vec<String> {
    let on = grant_object(&g.target);
    let from = role(&g.role);
    let outright: Vec<&String> = g
        .privileges
        .iter()
        .filter(|p| !g.grantable.contains(p))
        .collect();
    let mut out = Vec::new();
    if !outright.is_empty() {
        out.push(format!(
            "REVOKE {} ON {on} FROM {from}",
            privilege_list(g, outright)
        ));
    }
    if !g.grantable.is_empty() {
        out.push(format!(
            "REVOKE GRANT OPTION FOR {} ON {on} FROM {from}",
            privilege_list(g, &g.grantable)
        ));
    }
    out
}

/// The argument list of a function's signature: `("a" integer, "b" text DEFAULT 'x')`.
pub fn function_args(f: &Function, with_defaults: bool) -> String {
    let args: Vec<String> = f
        .args
        .iter()
        .map(|a| {
            let mut s = String::new();
            if a.mode != ArgMode::In {
                s.push_str(&a.mode.as_str().to_uppercase());
                s.push(' ');
            }
            if !a.name.is_empty() {
                s.push_str(&ident(&a.name));
                s.push(' ');
            }
            s.push_str(&a.data_type);
            if with_defaults {
                if let Some(d) = &a.default {
                    s.push_str(&format!(" DEFAULT {d}"));
                }
            }
            s
        })
        .collect();
    format!("({})", args.join(", "))
}

/// A function's key as SQL: `"schema"."name"`, or for one of several functions sharing a
/// name (`name(types)`, see `Function::key`), `"schema"."name"(types)`.
pub fn routine_ref(q: &QName) -> String {
    match q.name.split_once('(') {
        Some((base, args)) if args.ends_with(')') => {
            format!("{}({args}", crate::quote::qualified(&q.schema, base))
        }
        _ => q.sql(),
    }
}

/// The identity of a function for `DROP`/`ALTER`: its name and input argument types.
pub fn function_signature(f: &Function) -> String {
    let args: Vec<&str> = f
        .args
        .iter()
        .filter(|a| a.mode != ArgMode::Out)
        .map(|a| a.data_type.as_str())
        .collect();
    format!("{}({})", f.name.sql(), args.join(", "))
}

pub fn create_function(f: &Function, replace: bool) -> String {
    if f.procedure {
        let mut s = format!(
            "CREATE {}PROCEDURE {}{} LANGUAGE {}",
            if replace { "OR REPLACE " } else { "" },
            f.name.sql(),
            function_args(f, true),
            ident(&f.language)
        );
        if f.security == Security::Definer {
            s.push_str(" SECURITY DEFINER");
        }
        if let Some(p) = &f.search_path {
            s.push_str(&format!(" SET search_path = {}", search_path(p)));
        }
        s.push_str(&format!(" AS {}", dollar(&f.body)));
        return s;
    }
    let mut s = format!(
        "CREATE {}FUNCTION {}{} RETURNS {} LANGUAGE {}",
        if replace { "OR REPLACE " } else { "" },
        f.name.sql(),
        function_args(f, true),
        f.returns,
        ident(&f.language)
    );
    s.push_str(match f.security {
        Security::Invoker => "",
        Security::Definer => " SECURITY DEFINER",
    });
    s.push(' ');
    s.push_str(&f.volatility.as_str().to_uppercase());
    if f.strict {
        s.push_str(" STRICT");
    }
    if let Some(n) = f.rows {
        s.push_str(&format!(" ROWS {n}"));
    }
    match f.parallel.as_deref() {
        Some("safe") => s.push_str(" PARALLEL SAFE"),
        Some("restricted") => s.push_str(" PARALLEL RESTRICTED"),
        _ => {}
    }
    if let Some(p) = &f.search_path {
        s.push_str(&format!(" SET search_path = {}", search_path(p)));
    }
    s.push_str(&format!(" AS {}", dollar(&f.body)));
    s
}

pub fn drop_function(f: &Function) -> String {
    format!("DROP {} {}", f.keyword(), function_signature(f))
}

pub fn rename_function(f: &Function, to_name: &str) -> String {
    format!(
        "ALTER {} {} RENAME TO {}",
        f.keyword(),
        function_signature(f),
        ident(to_name)
    )
}

pub fn create_trigger(t: &Trigger) -> String {
    let events: Vec<String> = t
        .events
        .iter()
        .map(|e| {
            if *e == TriggerEvent::Update && !t.update_of.is_empty() {
                format!("UPDATE OF {}", ident_list(&t.update_of))
            } else {
                e.as_str().to_uppercase()
            }
        })
        .collect();
    let mut s = format!(
        "CREATE TRIGGER {} {} {} ON {} FOR EACH {}",
        ident(&t.name),
        t.timing.as_str().to_uppercase(),
        events.join(" OR "),
        t.table.sql(),
        if t.for_each_row { "ROW" } else { "STATEMENT" }
    );
    if let Some(w) = &t.when {
        s.push_str(&format!(" WHEN ({w})"));
    }
    let args: Vec<String> = t.arguments.iter().map(|a| literal(a)).collect();
    s.push_str(&format!(
        " EXECUTE FUNCTION {}({})",
        t.function.sql(),
        args.join(", ")
    ));
    s
}

pub fn drop_trigger(t: &QName, name: &str) -> String {
    format!("DROP TRIGGER {} ON {}", ident(name), t.sql())
}

pub fn create_view(v: &View, replace: bool) -> String {
    let query = v.query.trim().trim_end_matches(';').trim_end();
    if v.materialized {
        // Filled with its rows as it is created (`WITH DATA`).
        return format!("CREATE MATERIALIZED VIEW {} AS\n{}", v.name.sql(), query);
    }
    let mut options = vec![];
    if v.security_invoker {
        options.push("security_invoker = true".to_string());
    }
    if let Some(c) = &v.check_option {
        // Only `local` or `cascaded` reach the model (the loader and the catalog say so).
        let c = if c == "local" { "local" } else { "cascaded" };
        options.push(format!("check_option = {c}"));
    }
    let with = if options.is_empty() {
        String::new()
    } else {
        format!(" WITH ({})", options.join(", "))
    };
    format!(
        "CREATE {}VIEW {}{with} AS\n{}",
        if replace { "OR REPLACE " } else { "" },
        v.name.sql(),
        query
    )
}

pub fn drop_view(v: &View) -> String {
    format!("DROP {} {}", v.keyword(), v.name.sql())
}

/// A view as it is created: the view, and a materialized view's indexes.
pub fn create_view_all(v: &View) -> Vec<String> {
    let mut out = vec![create_view(v, false)];
    out.extend(v.indexes.iter().map(|i| create_index(&v.name, i, false)));
    out
}

/// Every statement that creates the database objects of a model from nothing, in an order
/// Postgres accepts: schemas, extensions, enums, functions, tables, foreign keys, views,
/// policies, triggers, grants, comments. (Functions come before tables so that defaults
/// and checks may call them; run with `check_function_bodies = off`, as pg_dump does.)
/// Used to build the desired state in a dev database for normalisation.
pub fn create_model(m: &Model) -> Vec<String> {
    create_model_annotated(m)
        .into_iter()
        .map(|(_, s)| s)
        .collect()
}

/// [`create_model`] with exactly the model's privileges, whatever the server's default
/// privileges give new objects: rebuilding a live schema in a scratch copy (rehearsal),
/// where a privilege the target revoked must stay revoked.
pub fn create_model_exact(m: &Model) -> Vec<String> {
    create_model_entries(m, true)
        .into_iter()
        .map(|(_, s)| s)
        .collect()
}

/// [`create_model`], each statement with the address of the object it creates.
/// Whether a function's return or argument types name the row type of a table of `m`
/// (`setof public.notes`, `public.notes[]`): it can only be created after the table.
pub fn uses_row_type(f: &Function, m: &Model) -> bool {
    names_row_type(f, m.tables.keys())
}

/// Whether a function's return or argument types name the row type of a view of `m`
/// (`setof public.packages` over a view): it can only be created after the views.
pub fn uses_view_row_type(f: &Function, m: &Model) -> bool {
    names_row_type(f, m.views.keys())
}

fn names_row_type<'a>(f: &Function, relations: impl Iterator<Item = &'a QName> + Clone) -> bool {
    let types =
        std::iter::once(f.returns.as_str()).chain(f.args.iter().map(|a| a.data_type.as_str()));
    types.into_iter().any(|ty| {
        let ty = ty.trim();
        let ty = ty
            .strip_prefix("setof ")
            .or_else(|| ty.strip_prefix("SETOF "))
            .unwrap_or(ty)
            .trim()
            .trim_end_matches("[]")
            .trim();
        relations.clone().any(|q| {
            ty == q.sql()
                || ty == format!("{}.{}", q.schema, q.name)
                || (q.schema == "public" && ty == q.name)
        })
    })
}

pub fn create_model_annotated(m: &Model) -> Vec<(Address, String)> {
    create_model_entries(m, false)
}

fn create_model_entries(m: &Model, exact_privileges: bool) -> Vec<(Address, String)> {
    let mut out = Vec::new();
    for s in m.schemas.values() {
        let a = Address::Schema(s.name.clone());
        out.push((a.clone(), create_schema(s)));
        if let Some(c) = &s.comment {
            out.push((a, comment_on("SCHEMA", &ident(&s.name), Some(c))));
        }
    }
    for e in m.extensions.values() {
        out.push((Address::Extension(e.name.clone()), create_extension(e)));
    }
    // Collations before the domains and columns that name them.
    for c in m.collations.values() {
        let a = Address::Collation(c.name.clone());
        out.push((a.clone(), create_collation(c)));
        if let Some(t) = &c.comment {
            out.push((a, comment_on("COLLATION", &c.name.sql(), Some(t))));
        }
    }
    for e in m.enums.values() {
        let a = Address::Enum(e.name.clone());
        out.push((a.clone(), create_enum(e)));
        if let Some(c) = &e.comment {
            out.push((a, comment_on("TYPE", &e.name.sql(), Some(c))));
        }
    }
    // Domains (over enums or built-in types), then composite types (which may use them).
    for ut in creation_order(m.domains.values(), m.composite_types.values()) {
        match ut {
            UserType::Domain(d) => {
                let a = Address::Domain(d.name.clone());
                // Its checks after the functions (one may call a function of the domain's
                // base type).
                let bare = Domain {
                    checks: vec![],
                    ..d.clone()
                };
                out.push((a.clone(), create_domain(&bare)));
                if let Some(c) = &d.comment {
                    out.push((a, comment_on("DOMAIN", &d.name.sql(), Some(c))));
                }
            }
            UserType::Composite(t) => {
                let a = Address::CompositeType(t.name.clone());
                out.push((a.clone(), create_composite(t)));
                if let Some(c) = &t.comment {
                    out.push((a, comment_on("TYPE", &t.name.sql(), Some(c))));
                }
            }
        }
    }
    // Functions before tables (a default or check may call one), except those whose
    // signature names a table's row type (`returns = "setof public.notes"`).
    let function = |f: &Function, out: &mut Vec<(Address, String)>| {
        let a = Address::Function(f.key());
        out.push((a.clone(), create_function(f, false)));
        if let Some(c) = &f.comment {
            out.push((a, comment_on(f.keyword(), &function_signature(f), Some(c))));
        }
    };
    let late = |f: &Function| uses_row_type(f, m) || uses_view_row_type(f, m);
    for f in m.functions.values().filter(|f| !late(f)) {
        function(f, &mut out);
    }
    for d in m.domains.values() {
        for c in &d.checks {
            out.push((
                Address::Domain(d.name.clone()),
                add_domain_check(&d.name, c),
            ));
        }
    }
    for s in m.sequences.values() {
        let a = Address::Sequence(s.name.clone());
        out.push((a.clone(), create_sequence(s)));
        if let Some(c) = &s.comment {
            out.push((a, comment_on("SEQUENCE", &s.name.sql(), Some(c))));
        }
    }
    // A partitioned table before its partitions.
    let mut tables: Vec<&Table> = m.tables.values().collect();
    tables.sort_by_key(|t| m.partition_depth(t));
    for t in tables {
        let a = Address::Table(t.name.clone());
        out.push((a.clone(), create_table(t)));
        for i in &t.indexes {
            out.push((
                Address::TablePart(t.name.clone(), "index", i.name.clone()),
                create_index(&t.name, i, false),
            ));
        }
        out.extend(table_extras(t).into_iter().map(|s| (a.clone(), s)));
        // After the indexes: `USING INDEX` names one.
        if let Some(r) = &t.replica_identity {
            out.push((a.clone(), set_replica_identity(&t.name, Some(r))));
        }
    }
    for f in m
        .functions
        .values()
        .filter(|f| uses_row_type(f, m) && !uses_view_row_type(f, m))
    {
        function(f, &mut out);
    }
    for s in m.sequences.values() {
        if let Some(owner) = &s.owned_by {
            out.push((
                Address::Sequence(s.name.clone()),
                sequence_owned_by(&s.name, Some(owner)),
            ));
        }
    }
    for t in m.tables.values() {
        for fk in &t.foreign_keys {
            out.push((
                Address::TablePart(t.name.clone(), "foreign_key", fk.name.clone()),
                add_foreign_key(&t.name, fk, false),
            ));
        }
    }
    out.extend(create_views_in_order(m));
    for f in m.functions.values().filter(|f| uses_view_row_type(f, m)) {
        function(f, &mut out);
    }
    for p in m.policies.values() {
        out.push((
            Address::Policy(p.table.clone(), p.name.clone()),
            create_policy(p),
        ));
    }
    for t in m.triggers.values() {
        out.push((
            Address::Trigger(t.table.clone(), t.name.clone()),
            create_trigger(t),
        ));
    }
    // Exactly the model's privileges, whatever the server's defaults gave the objects just
    // created: everything is revoked from every role the model names (and PUBLIC), then
    // granted as the model holds it. The owner (`postgres`) keeps its own.
    let mut grantees: BTreeSet<&str> = m.grants.iter().map(|g| g.role.as_str()).collect();
    grantees.extend(m.default_privileges.iter().map(|d| d.role.as_str()));
    grantees.extend(m.project.managed_roles.iter().map(String::as_str));
    grantees.insert("public");
    grantees.remove("postgres");
    let from: Vec<String> = grantees.iter().map(|r| role(r)).collect();
    let from = from.join(", ");
    let mut targets: BTreeSet<GrantTarget> = m.grants.iter().map(|g| g.target.clone()).collect();
    targets.extend(m.tables.keys().map(|q| GrantTarget::Table(q.clone())));
    targets.extend(m.views.keys().map(|q| GrantTarget::Table(q.clone())));
    targets.extend(m.functions.keys().map(|q| GrantTarget::Function(q.clone())));
    targets.extend(m.sequences.keys().map(|q| GrantTarget::Sequence(q.clone())));
    for t in targets.iter().filter(|_| exact_privileges) {
        if matches!(t, GrantTarget::Schema(s) if s == "public") {
            // The public schema is the platform's: only what the model grants is added.
            continue;
        }
        out.push((
            Address::Grant(t.clone(), "public".into()),
            format!("REVOKE ALL ON {} FROM {from}", grant_object(t)),
        ));
    }
    for g in m.grants.iter().filter(|g| !g.privileges.is_empty()) {
        for sql in grant(g) {
            out.push((Address::Grant(g.target.clone(), g.role.clone()), sql));
        }
    }
    // Buckets are rows of the platform's storage tables: where those exist.
    for b in m.buckets.values() {
        out.push((Address::Bucket(b.id.clone()), create_bucket(b)));
    }
    out
}

/// Views in an order where a view comes after the views its query names (by a plain
/// textual search for the other views' names; good enough to order views over views).
fn create_views_in_order(m: &Model) -> Vec<(Address, String)> {
    let mut pending: Vec<&View> = m.views.values().collect();
    let mut out = Vec::new();
    let emit = |v: &View, out: &mut Vec<(Address, String)>| {
        let a = Address::View(v.name.clone());
        out.extend(create_view_all(v).into_iter().map(|s| (a.clone(), s)));
        if let Some(c) = &v.comment {
            out.push((a, comment_on(v.keyword(), &v.name.sql(), Some(c))));
        }
    };
    while !pending.is_empty() {
        let before = pending.len();
        let mut rest = Vec::new();
        for v in pending.iter().copied() {
            let waits = pending.iter().any(|o| {
                o.name != v.name
                    && v.query.contains(&o.name.name)
                    && !o.query.contains(&v.name.name)
            });
            if waits {
                rest.push(v);
            } else {
                emit(v, &mut out);
            }
        }
        if rest.len() == before {
            for v in rest {
                emit(v, &mut out);
            }
            break;
        }
        pending = rest;
    }
    out
}

#[cfg(test)]
mod tests {

    #[test]
    fn index_element_options_stay_outside_the_parentheses() {
        assert_eq!(index_element("lower(b)"), "(lower(b))");
        assert_eq!(index_element("created_at DESC"), "(created_at) DESC");
        assert_eq!(
            index_element("score DESC NULLS LAST"),
            "(score) DESC NULLS LAST"
        );
        assert_eq!(index_element("score NULLS FIRST"), "(score) NULLS FIRST");
        assert_eq!(
            index_element("bio extensions.gin_trgm_ops"),
            "(bio) extensions.gin_trgm_ops"
        );
        assert_eq!(
            index_element("lower(title) text_pattern_ops DESC"),
            "(lower(title)) text_pattern_ops DESC"
        );
        // Words inside parentheses or quotes are the expression's own.
        assert_eq!(index_element("(a || ' desc')"), "((a || ' desc'))");
        assert_eq!(index_element("\"desc\""), "(\"desc\")");
        assert_eq!(index_element("a + b"), "(a + b)");
    }

    use super::*;

    fn q(n: &str) -> QName {
        QName::new("public", n)
    }

    #[test]
    fn a_table_is_created_with_quoted_names_and_inline_constraints() {
        let mut t = Table::new(q("Odd \"name\""));
        let mut id = Column::new("id", "uuid");
        id.default = Some(DefaultValue::Sql("gen_random_uuid()".into()));
        t.columns.push(id);
        let mut theme = Column::new("theme", "text");
        theme.default = Some(DefaultValue::Literal(Literal::String("it's".into())));
        theme.nullable = true;
        t.columns.push(theme);
        t.primary_key = Some(PrimaryKey {
            name: None,
            columns: vec!["id".into()],
            deferrable: Deferrable::No,
        });
        t.checks.push(Check {
            no_inherit: false,
            name: "c".into(),
            expression: "theme <> ''".into(),
            valid: true,
        });
        assert_eq!(
            create_table(&t),
            "CREATE TABLE \"public\".\"Odd \"\"name\"\"\" (\n  \"id\" uuid DEFAULT (gen_random_uuid()) NOT NULL,\n  \"theme\" text DEFAULT 'it''s',\n  CONSTRAINT \"Odd \"\"name\"\"_pkey\" PRIMARY KEY (\"id\"),\n  CONSTRAINT \"c\" CHECK (theme <> '')\n)"
        );
    }

    #[test]
    fn lock_safe_forms_are_available() {
        let i = Index {
            name: "i".into(),
            parts: vec![
                IndexPart::Column("a".into()),
                IndexPart::Expression("lower(b)".into()),
            ],
            unique: true,
            method: "btree".into(),
            predicate: Some("b is not null".into()),
            include: vec![],
        };
        assert_eq!(
            create_index(&q("t"), &i, true),
            "CREATE UNIQUE INDEX CONCURRENTLY \"i\" ON \"public\".\"t\" (\"a\", (lower(b))) WHERE (b is not null)"
        );
        let fk = ForeignKey {
            name: "f".into(),
            columns: vec!["a".into()],
            ref_table: QName::new("auth", "users"),
            ref_columns: vec!["id".into()],
            on_delete: FkAction::Cascade,
            on_update: FkAction::NoAction,
            deferrable: Deferrable::Deferred,
            valid: true,
        };
        assert_eq!(
            add_foreign_key(&q("t"), &fk, true),
            "ALTER TABLE \"public\".\"t\" ADD CONSTRAINT \"f\" FOREIGN KEY (\"a\") REFERENCES \"auth\".\"users\" (\"id\") ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED NOT VALID"
        );
    }

    #[test]
    fn policies_grants_and_functions_render() {
        let p = Policy {
            table: q("t"),
            name: "own".into(),
            command: PolicyCommand::Update,
            roles: vec!["authenticated".into(), "public".into()],
            using: Some("(select auth.uid()) = id".into()),
            check: None,
            permissive: false,
            renamed_from: None,
        };
        assert_eq!(
            create_policy(&p),
            "CREATE POLICY \"own\" ON \"public\".\"t\" AS RESTRICTIVE FOR UPDATE TO \"authenticated\", PUBLIC USING ((select auth.uid()) = id)"
        );
        let g = Grant {
            target: GrantTarget::Table(q("t")),
            role: "anon".into(),
            privileges: vec!["SELECT".into(), "DROP TABLE x; --".into()],
            columns: vec!["a".into()],
            grantable: vec![],
        };
        assert_eq!(
            grant(&g),
            ["GRANT SELECT (\"a\") ON TABLE \"public\".\"t\" TO \"anon\""]
        );
        // Some privileges with the grant option: a statement each; revoking the option
        // alone keeps the privilege.
        let g = Grant {
            privileges: vec!["SELECT".into(), "INSERT".into()],
            columns: vec![],
            grantable: vec!["INSERT".into()],
            ..g
        };
        assert_eq!(
            grant(&g),
            [
                "GRANT SELECT ON TABLE \"public\".\"t\" TO \"anon\"",
                "GRANT INSERT ON TABLE \"public\".\"t\" TO \"anon\" WITH GRANT OPTION"
            ]
        );
        assert_eq!(
            revoke(&g),
            [
                "REVOKE SELECT ON TABLE \"public\".\"t\" FROM \"anon\"",
                "REVOKE GRANT OPTION FOR INSERT ON TABLE \"public\".\"t\" FROM \"anon\""
            ]
        );
        let f = Function {
            name: q("f"),
            args: vec![FunctionArg {
                name: "n".into(),
                data_type: "integer".into(),
                mode: ArgMode::In,
                default: Some("1".into()),
            }],
            returns: "integer".into(),
            language: "sql".into(),
            security: Security::Definer,
            volatility: Volatility::Stable,
            strict: true,
            parallel: None,
            search_path: Some(String::new()),
            body: "select n + 1".into(),
            comment: None,
            renamed_from: None,
            procedure: false,
            rows: None,
            overload: None,
        };
        assert_eq!(
            create_function(&f, true),
            "CREATE OR REPLACE FUNCTION \"public\".\"f\"(\"n\" integer DEFAULT 1) RETURNS integer LANGUAGE \"sql\" SECURITY DEFINER STABLE STRICT SET search_path = '' AS $supaform$select n + 1$supaform$"
        );
        assert_eq!(drop_function(&f), "DROP FUNCTION \"public\".\"f\"(integer)");
    }

    #[test]
    fn an_overload_is_granted_by_its_signature() {
        let g = Grant {
            target: GrantTarget::Function(QName::new("public", "label(text, integer)")),
            role: "authenticated".into(),
            privileges: vec!["EXECUTE".into()],
            columns: vec![],
            grantable: vec![],
        };
        assert_eq!(
            grant(&g),
            ["GRANT EXECUTE ON ROUTINE \"public\".\"label\"(text, integer) TO \"authenticated\""]
        );
    }
}
