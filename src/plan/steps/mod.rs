//! One change → one step: its SQL, phase, ordering tier, rules and backup. Each arm of
//! [`draft`] is the generator for one change kind.

mod buckets;
mod collations;
mod inheritance;
mod partitions;
mod persistence;
mod realtime;
mod replica_identity;
mod sequences;
mod types;

use super::ddl;
use super::rules::{Rule, RuleHit};
use super::{BackupSpec, Context, Phase, Step};
use crate::diff::Change;
use crate::model::*;
use crate::util::has_word;
pub use partitions::default_partition;

/// A step before ordering, with what it refers to.
#[derive(Debug, Clone)]
pub(super) struct Draft {
    pub step: Step,
    /// Order inside a phase: drops of objects that use others (reverse dependency order),
    /// renames, creates and updates, then drops of what others may still have used until
    /// the updates before them (columns, functions, types, extensions, schemas).
    pub tier: u32,
    /// Objects the step needs to exist (for `depends_on`).
    pub refs: Vec<Address>,
    pub view_name: Option<String>,
    pub view_query: String,
    /// A `DROP TABLE` (ordered by the foreign keys between dropped tables).
    pub drops_table: bool,
    /// A `CREATE TABLE` (a partition after the table it is a partition of).
    pub creates_table: bool,
}

struct B {
    rules: Vec<RuleHit>,
    sql: Vec<String>,
    phase: Phase,
    tier: u32,
    refs: Vec<Address>,
    summary: String,
    backup: Option<BackupSpec>,
    rows_of: Option<QName>,
    /// What the step touches when it is not rows of `rows_of` (a bucket's files).
    affected: Option<super::RowCount>,
    undo: Vec<String>,
    /// A second step of the same change, in another phase (a column's `SET NOT NULL`,
    /// validated after the transaction that alters the rest of the column).
    then: Option<Box<B>>,
    /// What the step does when it is not what the change says (a revoke that narrows the
    /// default privileges of a new object changes it; it destroys nothing).
    action: Option<crate::diff::Action>,
}

impl B {
    fn new(tier: u32, summary: impl Into<String>) -> Self {
        B {
            rules: vec![],
            sql: vec![],
            phase: Phase::Transaction,
            tier,
            refs: vec![],
            summary: summary.into(),
            backup: None,
            rows_of: None,
            affected: None,
            undo: vec![],
            then: None,
            action: None,
        }
    }
    fn rule(mut self, r: Rule, reason: impl Into<String>) -> Self {
        self.rules.push(RuleHit::new(r, reason));
        self
    }
    fn sql(mut self, s: impl Into<String>) -> Self {
        self.sql.push(s.into());
        self
    }
    fn sqls(mut self, s: impl IntoIterator<Item = String>) -> Self {
        self.sql.extend(s);
        self
    }
    fn phase(mut self, p: Phase) -> Self {
        self.phase = p;
        self
    }
    fn refs(mut self, r: impl IntoIterator<Item = Address>) -> Self {
        self.refs.extend(r);
        self
    }
    /// Lock-safe on a populated table: in the *validate* phase, the constraint added
    /// `NOT VALID` (`add`), then validated; removed again if validation fails.
    fn validated(mut self, table: &QName, add: String, constraint: &str) -> Self {
        self.phase = Phase::Validate;
        self.sql.push(add);
        self.sql.push(ddl::validate_constraint(table, constraint));
        self.undo
            .push(ddl::drop_constraint_if_exists(table, constraint));
        self
    }
}

fn table_addr(q: &QName) -> Address {
    Address::Table(q.clone())
}

/// Functions whose result differs per row: a column default calling one rewrites the table.
const VOLATILE: &[&str] = &[
    "gen_random_uuid(",
    "uuid_generate_v1",
    "uuid_generate_v4",
    "random(",
    "clock_timestamp(",
    "timeofday(",
    "nextval(",
    "txid_current(",
];

pub(super) fn is_volatile_default(d: &DefaultValue) -> bool {
    match d {
        DefaultValue::Sql(e) => {
            let e = e.to_ascii_lowercase();
            VOLATILE.iter().any(|f| e.contains(f))
        }
        DefaultValue::Literal(_) => false,
    }
}

/// Whether a type change can lose data (or fail on values the old type allowed).
pub(super) fn narrowing(from: &str, to: &str) -> bool {
    fn parse(t: &str) -> (String, Vec<i64>) {
        let t = t.trim().to_ascii_lowercase();
        match t.find('(') {
            Some(i) => {
                let close = t.rfind(')').unwrap_or(t.len());
                let base = format!("{}{}", t[..i].trim(), t.get(close + 1..).unwrap_or(""));
                let args = t[i + 1..close]
                    .split(',')
                    .filter_map(|a| a.trim().parse().ok())
                    .collect();
                (base.trim().to_string(), args)
            }
            None => (t, vec![]),
        }
    }
    let (fb, fa) = parse(from);
    let (tb, ta) = parse(to);
    let int_rank = |b: &str| match b {
        "smallint" => Some(1),
        "integer" => Some(2),
        "bigint" => Some(3),
        "real" => Some(4),
        "double precision" => Some(5),
        "numeric" => Some(6),
        _ => None,
    };
    let texty = |b: &str| matches!(b, "text" | "character varying" | "character" | "citext");
    if texty(&fb) && texty(&tb) {
        return match (fa.first(), ta.first()) {
            (_, None) => tb == "character" && fb != "character",
            (None, Some(_)) => true,
            (Some(a), Some(b)) => b < a,
        };
    }
    if let (Some(a), Some(b)) = (int_rank(&fb), int_rank(&tb)) {
        if fb == "numeric" && tb == "numeric" {
            return match (fa.as_slice(), ta.as_slice()) {
                (_, []) => false,
                ([], _) => true,
                ([p1, s1 @ ..], [p2, s2 @ ..]) => {
                    let (s1, s2) = (s1.first().unwrap_or(&0), s2.first().unwrap_or(&0));
                    p2 - s2 < p1 - s1 || s2 < s1
                }
            };
        }
        return b < a;
    }
    if fb.starts_with("timestamp") && tb == "date" {
        return true;
    }
    // Anything else that is not a conversion to text may fail or lose information.
    !texty(&tb)
}

fn is_partitioned(ctx: &Context, t: &QName) -> bool {
    ctx.live
        .tables
        .get(t)
        .is_some_and(|l| l.partition_by.is_some())
}

pub(super) fn populated(ctx: &Context, t: &QName) -> bool {
    ctx.rows.get(t).is_none_or(|r| r.rows > 0)
}

pub(super) fn rows_note(ctx: &Context, t: &QName) -> String {
    match ctx.rows.get(t) {
        Some(r) if r.exact => format!("{} rows", r.rows),
        Some(r) => format!("about {} rows", r.rows),
        None => "rows unknown".to_string(),
    }
}

fn pk_columns(ctx: &Context, t: &QName) -> Vec<String> {
    ctx.live
        .tables
        .get(t)
        .and_then(|t| t.primary_key.as_ref())
        .map(|pk| pk.columns.clone())
        .unwrap_or_default()
}

fn column_backup(ctx: &Context, t: &QName, column: &str) -> BackupSpec {
    let mut cols = pk_columns(ctx, t);
    if cols.is_empty() {
        return BackupSpec {
            table: t.to_string(),
            columns: None,
        };
    }
    if !cols.iter().any(|c| c == column) {
        cols.push(column.to_string());
    }
    BackupSpec {
        table: t.to_string(),
        columns: Some(cols),
    }
}

fn finish(change: &Change, mut b: B, ctx: &Context) -> Vec<Draft> {
    let then = b.then.take();
    let mut out = Vec::new();
    // A step whose work all moved to its second part is not listed empty.
    if !(then.is_some() && b.sql.is_empty()) {
        out.push(finish_one(change, b, ctx));
    }
    if let Some(t) = then {
        out.push(finish_one(change, *t, ctx));
    }
    out
}

fn finish_one(change: &Change, b: B, ctx: &Context) -> Draft {
    let risk = b
        .rules
        .iter()
        .map(|r| r.rule.risk())
        .max()
        .unwrap_or(super::Risk::Safe);
    let affected_rows = match (&b.rows_of, risk) {
        (Some(t), super::Risk::Dangerous | super::Risk::Caution) => ctx.rows.get(t).copied(),
        _ => b.affected,
    };
    let (view_name, view_query) = match change {
        Change::CreateView(v) | Change::ReplaceView { to: v, .. } | Change::DropView(v) => {
            (Some(v.name.name.clone()), v.query.clone())
        }
        _ => (None, String::new()),
    };
    Draft {
        step: Step {
            address: change.address().to_string(),
            action: b.action.unwrap_or_else(|| change.action()),
            risk,
            rules: b.rules,
            summary: b.summary,
            sql: b.sql,
            phase: b.phase,
            depends_on: vec![],
            affected_rows,
            backup: b.backup,
            undo: b.undo,
        },
        tier: b.tier,
        refs: b.refs,
        view_name,
        view_query,
        drops_table: matches!(change, Change::DropTable(_)),
        creates_table: matches!(change, Change::CreateTable(_)),
    }
}

pub(super) fn draft(change: &Change, ctx: &Context) -> Vec<Draft> {
    let b = generate(change, ctx);
    finish(change, b, ctx)
}

fn generate(change: &Change, ctx: &Context) -> B {
    use Change::*;
    match change {
        // ---- drops, in reverse dependency order
        DropTrigger(t) => B::new(0, format!("drop trigger {} on {}", t.name, t.table))
            .rule(
                dependents_rule(ctx, &Address::Trigger(t.table.clone(), t.name.clone())),
                "the trigger's behaviour stops",
            )
            .sql(ddl::drop_trigger(&t.table, &t.name)),
        DropPolicy(p) => {
            let mut b = B::new(1, format!("drop policy {} on {}", p.name, p.table))
                .rule(
                    Rule::D206,
                    format!(
                        "{} loses a {} policy for {}",
                        p.table,
                        p.command.as_str(),
                        p.roles.join(", ")
                    ),
                )
                .sql(ddl::drop_policy(&p.table, &p.name));
            // The rows the policy protected.
            b.rows_of = Some(p.table.clone());
            b
        }
        DropView(v) => B::new(2, format!("drop {} {}", v.noun(), v.name))
            .rule(
                view_drop_rule(ctx, &v.name),
                "clients reading the view break",
            )
            .sql(ddl::drop_view(v)),
        Revoke(g) => {
            let exists = match &g.target {
                GrantTarget::Table(q) | GrantTarget::Sequence(q) => {
                    ctx.live.tables.contains_key(q) || ctx.live.views.contains_key(q)
                }
                GrantTarget::Function(q) => ctx.live.functions.contains_key(q),
                GrantTarget::Schema(_) => true,
            };
            let summary = format!(
                "revoke {} on {} from {}",
                privileges_text(g, true),
                g.target,
                g.role
            );
            let b = B::new(3, summary)
                .sqls(ddl::revoke(g))
                .refs([grant_target_addr(&g.target)]);
            if exists {
                b.rule(
                    Rule::C108,
                    format!(
                        "{} loses {} on {}",
                        g.role,
                        privileges_text(g, true),
                        g.target
                    ),
                )
            } else {
                // Runs after the object is created (after the grants). It narrows what
                // the new object gets by default: a change of it, not a destroy.
                let removed: Vec<String> =
                    g.privileges.iter().map(|p| format!("\u{2212}{p}")).collect();
                let mut b = b.rule(
                    Rule::S019,
                    format!(
                        "{} keeps only what the configuration grants on the new {}",
                        g.role, g.target
                    ),
                );
                b.summary = format!(
                    "narrow the default privileges of {} on the new {}: {}",
                    g.role,
                    g.target,
                    removed.join(" ")
                );
                b.tier = 45;
                b.action = Some(crate::diff::Action::Update);
                b
            }
        }
        DropForeignKey { table, fk } => {
            B::new(4, format!("drop foreign key {} on {table}", fk.name))
                .rule(Rule::S017, "no rows change")
                .sql(ddl::drop_constraint(table, &fk.name))
        }
        DropIndex { table, index } => B::new(5, format!("drop index {} on {table}", index.name))
            .rule(Rule::S017, "no rows change; queries using it may slow down")
            .sql(ddl::drop_index(&table.schema, &index.name, false)),
        DropUnique { table, unique } => B::new(
            5,
            format!("drop unique constraint {} on {table}", unique.name),
        )
        .rule(Rule::S017, "no rows change")
        .sql(ddl::drop_constraint(table, &unique.name)),
        DropExclusion { table, exclusion } => B::new(
            5,
            format!("drop exclusion constraint {} on {table}", exclusion.name),
        )
        .rule(Rule::S017, "no rows change")
        .sql(ddl::drop_constraint(table, &exclusion.name)),
        DropCheck { table, check } => B::new(5, format!("drop check {} on {table}", check.name))
            .rule(Rule::S017, "no rows change")
            .sql(ddl::drop_constraint(table, &check.name)),
        // Late, after the policies and views that read the column have changed, and after
        // a new primary key replaced one that included it.
        DropColumn { table, column } => {
            // Tables inheriting it: those the configuration gives the column keep it (and
            // its values) as their own (`ALTER TABLE ONLY`); the others lose it with it.
            let children: Vec<&Table> = ctx
                .live
                .tables
                .values()
                .filter(|c| c.inherits.contains(table))
                .collect();
            let keep = children.iter().any(|c| {
                ctx.desired
                    .tables
                    .get(&c.name)
                    .is_some_and(|d| d.column(&column.name).is_some())
            });
            let mut reason = format!(
                "the values of {}.{} are deleted ({})",
                table,
                column.name,
                rows_note(ctx, table)
            );
            if keep {
                reason.push_str("; the tables inheriting it keep theirs");
            } else if !children.is_empty() {
                let names: Vec<String> = children.iter().map(|c| c.name.to_string()).collect();
                reason.push_str(&format!(", and those of {}, which inherit it", names.join(", ")));
            }
            let mut sql = vec![];
            if keep {
                sql.push(ddl::drop_column_only(table, &column.name));
                // The children that do not keep it (one this plan creates inherited it
                // too) lose it as the plain drop would have taken it from them.
                sql.extend(
                    ctx.desired
                        .tables
                        .values()
                        .filter(|c| {
                            c.inherits.contains(table)
                                && c.column(&column.name).is_none()
                                && ctx
                                    .live
                                    .tables
                                    .get(&c.name)
                                    .is_none_or(|l| l.inherits.contains(table))
                        })
                        .map(|c| ddl::drop_column(&c.name, &column.name)),
                );
            } else {
                sql.push(ddl::drop_column(table, &column.name));
            }
            let mut b = B::new(59, format!("drop column {} from {table}", column.name))
                .rule(Rule::D202, reason)
                .sqls(sql);
            b.backup = Some(column_backup(ctx, table, &column.name));
            b.rows_of = Some(table.clone());
            b
        }
        DropTable(t) => {
            let mut b = B::new(7, format!("drop table {}", t.name))
                .rule(
                    Rule::D201,
                    format!(
                        "every row of {} is deleted ({})",
                        t.name,
                        rows_note(ctx, &t.name)
                    ),
                )
                .sql(ddl::drop_table(&t.name))
                // The tables it references, and the one it is a partition of: dropped
                // after it (see `order_table_drops`).
                .refs(t.foreign_keys.iter().map(|fk| table_addr(&fk.ref_table)))
                .refs(t.partition_of.iter().map(|p| table_addr(&p.parent)));
            b.backup = Some(BackupSpec {
                table: t.name.to_string(),
                columns: None,
            });
            b.rows_of = Some(t.name.clone());
            b
        }
        // ---- late drops: after the updates that stop using them (a column leaving an
        // enum, a trigger moving to another function, a table leaving a schema)
        DropFunction(f) => B::new(60, format!("drop {} {}", f.noun(), f.name))
            .rule(
                dependents_rule(ctx, &Address::Function(f.key())),
                "callers of the function break",
            )
            .sql(ddl::drop_function(f)),
        DropEnum(e) => B::new(61, format!("drop enum {}", e.name))
            .rule(enum_drop_rule(ctx, &e.name), "the type is removed")
            .sql(ddl::drop_type(&e.name)),
        DropExtension(e) => B::new(62, format!("drop extension {}", e.name))
            .rule(Rule::C112, "objects of the extension are removed")
            .sql(ddl::drop_extension(&e.name)),
        DropSchema(s) => B::new(63, format!("drop schema {}", s.name))
            .rule(Rule::D209, "the schema and anything left in it is removed")
            .sql(ddl::drop_schema(&s.name)),

        // ---- renames
        RenameTable { from, to } => B::new(20, format!("rename table {from} to {}", to.name))
            .rule(Rule::C111, format!("clients using {} break", from.name))
            .sql(ddl::rename_table(from, &to.name)),
        RenameEnum { from, to } => B::new(20, format!("rename enum {from} to {}", to.name))
            .rule(Rule::S016, "values are kept")
            .sql(ddl::rename_type(from, &to.name)),
        RenameEnumValue { name, from, to } => B::new(
            20,
            format!("rename value '{from}' of enum {name} to '{to}'"),
        )
        .rule(
            Rule::C111,
            format!("rows keep it under the new name; clients sending '{from}' break"),
        )
        .sql(ddl::rename_enum_value(name, from, to)),
        RenameFunction { from, to } => {
            B::new(20, format!("rename function {} to {}", from.name, to.name))
                .rule(Rule::C109, format!("callers of {} break", from.name))
                .sql(ddl::rename_function(from, &to.name))
        }
        RenameColumn { table, from, to } => {
            B::new(21, format!("rename column {table}.{from} to {to}"))
                .rule(Rule::C111, format!("clients using {table}.{from} break"))
                .sql(ddl::rename_column(table, from, to))
                .refs([table_addr(table)])
        }
        RenamePolicy { table, from, to } => {
            B::new(22, format!("rename policy {from} on {table} to {to}"))
                .rule(Rule::S016, "who sees what is unchanged")
                .sql(ddl::rename_policy(table, from, to))
        }
        RenameConstraint {
            table, from, to, ..
        } => B::new(22, format!("rename constraint {from} on {table} to {to}"))
            .rule(Rule::S016, "the constraint is unchanged")
            .sql(format!(
                "ALTER TABLE {} RENAME CONSTRAINT {} TO {}",
                table.sql(),
                crate::quote::ident(from),
                crate::quote::ident(to)
            )),

        // ---- creates and updates
        GrantDefault(d) => B::new(31, default_summary(d, "give"))
            .rule(Rule::S009, "only objects created from now on; existing ones keep their grants")
            .sql(ddl::alter_default_privileges(d, true, None)),
        RevokeDefault(d) => B::new(31, default_summary(d, "no longer give"))
            .rule(
                Rule::C108,
                format!(
                    "objects created from now on no longer give {} to {}; existing ones keep theirs",
                    d.privileges.join(", "),
                    d.role
                ),
            )
            .sql(ddl::alter_default_privileges(d, false, None)),
        CreateSchema(s) => B::new(30, format!("create schema {}", s.name))
            .rule(Rule::S010, "a new, empty schema")
            .sql(ddl::create_schema(s))
            .sqls(
                s.comment
                    .as_deref()
                    .map(|c| ddl::comment_on("SCHEMA", &crate::quote::ident(&s.name), Some(c))),
            ),
        SetSchemaComment { name, comment } => {
            B::new(30, format!("set the comment of schema {name}"))
                .rule(Rule::S015, "metadata only")
                .sql(ddl::comment_on(
                    "SCHEMA",
                    &crate::quote::ident(name),
                    comment.as_deref(),
                ))
        }
        CreateExtension(e) => B::new(31, format!("create extension {}", e.name))
            .rule(Rule::S010, format!("installed in schema {}", e.schema))
            .sql(ddl::create_extension(e)),
        UpdateExtension { from, to } => B::new(31, format!("update extension {}", to.name))
            .rule(
                Rule::C113,
                format!(
                    "from version {} to {}",
                    from.version.as_deref().unwrap_or("?"),
                    to.version.as_deref().unwrap_or("?")
                ),
            )
            .sql(format!(
                "ALTER EXTENSION {} UPDATE TO {}",
                crate::quote::ident(&to.name),
                crate::quote::literal(to.version.as_deref().unwrap_or_default())
            )),
        CreateEnum(e) => B::new(
            32,
            format!("create enum {} ({})", e.name, e.values.join(", ")),
        )
        .rule(Rule::S004, "a new type")
        .sql(ddl::create_enum(e))
        .sqls(
            e.comment
                .as_deref()
                .map(|c| ddl::comment_on("TYPE", &e.name.sql(), Some(c))),
        ),
        AddEnumValue {
            name,
            value,
            before,
        } => B::new(32, format!("add value {value} to enum {name}"))
            .rule(Rule::S005, "existing rows are unaffected")
            .sql(ddl::add_enum_value(name, value, before.as_deref()))
            .phase(Phase::Pre),
        SetEnumComment { name, comment } => B::new(32, format!("set the comment of enum {name}"))
            .rule(Rule::S015, "metadata only")
            .sql(ddl::comment_on("TYPE", &name.sql(), comment.as_deref())),
        RebuildEnum { from, to, columns } => rebuild_enum(ctx, from, to, columns),
        CreateFunction(f) => B::new(
            function_tier(ctx, f),
            format!("create {} {}", f.noun(), f.name),
        )
            .rule(Rule::S006, "a new function")
            .sql(ddl::create_function(f, false))
            .sqls(
                f.comment
                    .as_deref()
                    .map(|c| ddl::comment_on(f.keyword(), &ddl::function_signature(f), Some(c))),
            ),
        ReplaceFunction { from, to } => {
            let mut b = B::new(
                function_tier(ctx, to),
                format!("replace {} {}", to.noun(), to.name),
            );
            let mut same = from.clone();
            same.comment = to.comment.clone();
            b = if &same == to {
                b.rule(Rule::S015, "metadata only")
            } else {
                b.rule(Rule::S006, "same signature; callers keep working")
                    .sql(ddl::create_function(to, true))
            };
            if from.comment != to.comment {
                b = b.sql(ddl::comment_on(
                    to.keyword(),
                    &ddl::function_signature(to),
                    to.comment.as_deref(),
                ));
            }
            b
        }
        RecreateFunction { from, to } => {
            // Triggers using the function and policies calling it must go while it is
            // dropped, then come back in their desired form. Those the configuration no
            // longer declares are dropped by their own steps, earlier.
            let triggers: Vec<&Trigger> = ctx
                .live
                .triggers
                .values()
                .filter(|t| {
                    t.function == from.name
                        && ctx
                            .desired
                            .triggers
                            .contains_key(&(t.table.clone(), t.name.clone()))
                })
                .collect();
            let policies: Vec<&Policy> = ctx
                .live
                .policies
                .values()
                .filter(|p| {
                    mentions(p, &from.name.name)
                        && ctx
                            .desired
                            .policies
                            .contains_key(&(p.table.clone(), p.name.clone()))
                })
                .collect();
            // Views calling it (and the views built on those) likewise.
            let mut views: Vec<&View> = ctx
                .live
                .views
                .values()
                .filter(|v| {
                    has_word(&v.query, &from.name.name) && ctx.desired.views.contains_key(&v.name)
                })
                .collect();
            let above = views_on(ctx, &views);
            views.extend(above);
            let views = dependency_order(views);
            let public_revoked = !ctx.live.grants.iter().any(|g| {
                g.target == GrantTarget::Function(from.key()) && g.role == "public"
            });
            B::new(
                function_tier(ctx, to),
                format!("recreate {} {} with a new signature", to.noun(), to.name),
            )
            .rule(
                Rule::C109,
                if from.procedure != to.procedure {
                    format!(
                        "{} {} becomes a {}; callers of the {} break",
                        from.noun(),
                        ddl::function_signature(from),
                        to.noun(),
                        from.noun()
                    )
                } else {
                    format!(
                        "{} becomes {}; callers of the old signature break",
                        ddl::function_signature(from),
                        ddl::function_signature(to)
                    )
                },
            )
            .sqls(
                triggers
                    .iter()
                    .map(|t| ddl::drop_trigger(&t.table, &t.name)),
            )
            .sqls(policies.iter().map(|p| ddl::drop_policy(&p.table, &p.name)))
            .sqls(views.iter().rev().map(|v| ddl::drop_view(v)))
            .sql(ddl::drop_function(from))
            .sql(ddl::create_function(to, false))
            .sqls(
                views
                    .iter()
                    .filter_map(|v| ctx.desired.views.get(&v.name))
                    .flat_map(|v| recreate_view(ctx, v)),
            )
            .sqls(
                policies
                    .iter()
                    .filter_map(|p| ctx.desired.policies.get(&(p.table.clone(), p.name.clone())))
                    .map(ddl::create_policy),
            )
            .sqls(
                ctx.desired
                    .triggers
                    .values()
                    .filter(|t| {
                        t.function == to.name
                            && triggers
                                .iter()
                                .any(|o| o.name == t.name && o.table == t.table)
                    })
                    .map(ddl::create_trigger),
            )
            // Its grants and comment went with the old function; PUBLIC EXECUTE, which
            // Postgres gives every new function, stays revoked if it was.
            .sqls(
                ctx.desired
                    .grants
                    .iter()
                    .filter(|g| {
                        g.target == GrantTarget::Function(to.key())
                            && !(public_revoked && g.role == "public")
                    })
                    .flat_map(ddl::grant),
            )
            .sqls(public_revoked.then(|| {
                ddl::revoke(&crate::model::Grant {
                    target: GrantTarget::Function(to.key()),
                    role: "public".into(),
                    privileges: vec!["EXECUTE".into()],
                    columns: vec![],
                    grantable: vec![],
                })
            }).into_iter().flatten())
            .sqls(
                to.comment
                    .as_deref()
                    .map(|c| ddl::comment_on(to.keyword(), &ddl::function_signature(to), Some(c))),
            )
        }
        CreateTable(t) => {
            let summary = match &t.partition_of {
                Some(p) => format!("create partition {} of {} ({})", t.name, p.parent, p.bound),
                None => format!("create table {} ({} columns)", t.name, t.columns.len()),
            };
            let b = B::new(34, summary);
            let b = match &t.partition_of {
                Some(p) => partitions::create(ctx, t, p, b),
                None => b.rule(Rule::S001, "a new, empty table"),
            };
            let mut b = b
            .sqls(ddl::create_table_all(t))
            .refs(
                t.columns
                    .iter()
                    .filter_map(|c| c.enum_type.clone().map(Address::Enum)),
            )
            .refs(t.inherits.iter().map(table_addr));
            if t.rls.enabled {
                b = b.rule(Rule::S008, "no rows exist yet");
            }
            b
        }
        AddColumn { table, column } => add_column(ctx, table, column),
        AlterColumn { table, from, to } => alter_column(ctx, table, from, to),
        SetPrimaryKey { table, from, to } => {
            // The old key goes early, with the other constraint drops: a column of it may
            // become nullable (`DROP NOT NULL` fails on a key column) or be dropped.
            let drop = from.as_ref().map(|pk| {
                B::new(5, format!("set the primary key of {table}"))
                    .refs([table_addr(table)])
                    .sql(ddl::drop_constraint(
                        table,
                        pk.name.as_deref().unwrap_or_default(),
                    ))
                    .rule(Rule::S017, "no rows change")
            });
            let Some(pk) = to else {
                return drop.unwrap_or_else(|| B::new(5, format!("set the primary key of {table}")));
            };
            let mut b =
                B::new(37, format!("set the primary key of {table}")).refs([table_addr(table)]);
            let t = ctx
                .desired
                .tables
                .get(table)
                .cloned()
                .unwrap_or_else(|| Table::new(table.clone()));
            b = b.sql(ddl::add_primary_key(&t, pk));
            if populated(ctx, table) {
                b = b.rule(
                    Rule::C103,
                    format!(
                        "every row of {table} must have unique, non-null ({})",
                        pk.columns.join(", ")
                    ),
                );
                b.rows_of = Some(table.clone());
                b = builds_index_locked(ctx, table, b);
            } else {
                b = b.rule(Rule::S017, "the table is empty");
            }
            match drop {
                Some(mut d) => {
                    d.then = Some(Box::new(b));
                    d
                }
                None => b,
            }
        }
        AddUnique { table, unique } => {
            let b = B::new(
                38,
                format!("add unique constraint {} on {table}", unique.name),
            )
            .sql(ddl::add_unique(table, unique))
            .refs([table_addr(table)]);
            let b = constraint_rule(ctx, table, b, "values must be unique");
            builds_index_locked(ctx, table, b)
        }
        AddExclusion { table, exclusion } => {
            // Its index is built under the table's lock; there is no `NOT VALID` form.
            let b = B::new(
                38,
                format!("add exclusion constraint {} on {table}", exclusion.name),
            )
            .sql(ddl::add_exclusion(table, exclusion))
            .refs([table_addr(table)]);
            let b = constraint_rule(ctx, table, b, "no two rows may conflict under it");
            builds_index_locked(ctx, table, b)
        }
        AddCheck { table, check } => {
            let existing = ctx.live.tables.contains_key(table);
            let b = B::new(38, format!("add check {} on {table}", check.name))
                .refs([table_addr(table)]);
            let b = if existing && populated(ctx, table) {
                b.validated(table, ddl::add_check(table, check, true), &check.name)
            } else {
                b.sql(ddl::add_check(table, check, false))
            };
            constraint_rule(
                ctx,
                table,
                b,
                &format!("every row must satisfy {}", check.expression),
            )
        }
        CreateIndex { table, index } => {
            // Of a table, or of a materialized view.
            let existing =
                ctx.live.tables.contains_key(table) || ctx.live.views.contains_key(table);
            let mut b = B::new(38, format!("create index {} on {table}", index.name))
                .refs([table_addr(table)]);
            if let (true, Some(fk)) = (existing, new_foreign_key_needing(ctx, table, index)) {
                // A concurrent build would come after the transaction that adds the
                // foreign key, which Postgres refuses without a unique index to point at.
                b = b.sql(ddl::create_index(table, index, false)).rule(
                    Rule::C102,
                    format!("built in the transaction: foreign key {fk} of this plan needs it"),
                );
                if populated(ctx, table) {
                    b = b.rule(Rule::C103, "existing rows must already be unique");
                    b.rows_of = Some(table.clone());
                }
            } else if existing && is_partitioned(ctx, table) {
                // Postgres cannot build an index on a partitioned table concurrently: it
                // builds one on every partition in the transaction.
                b = b.sql(ddl::create_index(table, index, false));
                b = if populated(ctx, table) {
                    let b = b.rule(
                        Rule::C102,
                        format!(
                            "{table} is partitioned (no CONCURRENTLY): writes to every partition wait while it is built ({})",
                            rows_note(ctx, table)
                        ),
                    );
                    if index.unique {
                        b.rule(Rule::C103, "existing rows must already be unique")
                    } else {
                        b
                    }
                } else {
                    b.rule(Rule::S003, "the partitioned table is empty")
                };
                b.rows_of = Some(table.clone());
            } else if existing {
                b = b
                    .sql(ddl::create_index(table, index, true))
                    .phase(Phase::Concurrent)
                    .rule(Rule::S003, "built without blocking writes");
                if index.unique && populated(ctx, table) {
                    b = b.rule(Rule::C103, "existing rows must already be unique");
                    b.rows_of = Some(table.clone());
                }
            } else {
                b = b
                    .sql(ddl::create_index(table, index, false))
                    .rule(Rule::S001, "on a table created by this plan");
            }
            b
        }
        AddForeignKey {
            table,
            fk,
            new_table,
        } => {
            let b = B::new(
                39,
                format!("add foreign key {} on {table} to {}", fk.name, fk.ref_table),
            )
            .refs([table_addr(table), table_addr(&fk.ref_table)]);
            if *new_table || !ctx.live.tables.contains_key(table) {
                b.sql(ddl::add_foreign_key(table, fk, false))
                    .rule(Rule::S001, "on a table created by this plan")
            } else {
                let b = if populated(ctx, table) {
                    b.validated(table, ddl::add_foreign_key(table, fk, true), &fk.name)
                } else {
                    b.sql(ddl::add_foreign_key(table, fk, false))
                };
                constraint_rule(
                    ctx,
                    table,
                    b,
                    &format!("every row must reference an existing {}", fk.ref_table),
                )
            }
        }
        SetRls { table, from, to } => {
            let mut b = B::new(40, format!("change row level security of {table}"))
                .refs([table_addr(table)]);
            if from.enabled != to.enabled {
                b = b.sql(ddl::set_rls(table, to.enabled));
                b = if !to.enabled {
                    // The rows RLS stops guarding.
                    b.rows_of = Some(table.clone());
                    b.rule(
                        Rule::D207,
                        format!("every row of {table} becomes visible to roles granted access"),
                    )
                } else if populated(ctx, table) {
                    b.rule(
                        Rule::C110,
                        format!("roles without a policy on {table} lose access to its rows"),
                    )
                } else {
                    b.rule(Rule::S008, "the table is empty")
                };
            }
            if from.force != to.force {
                b = b.sql(ddl::set_force_rls(table, to.force));
                b = if to.force {
                    b.rule(
                        Rule::C110,
                        "the table's owner becomes subject to its policies",
                    )
                } else {
                    b.rows_of = Some(table.clone());
                    b.rule(Rule::D207, "the table's owner bypasses its policies again")
                };
            }
            b
        }
        SetRealtime { table, realtime } => realtime::set(table, *realtime),
        SetReplicaIdentity { table, from, to } => replica_identity::set(ctx, table, from, to),
        SetUnlogged { table, unlogged } => persistence::set(ctx, table, *unlogged),
        NoInherit { table, parent } => inheritance::no_inherit(ctx, table, parent),
        Inherit { table, parent } => inheritance::inherit(ctx, table, parent),
        AttachPartition { table, to } => partitions::attach(ctx, table, to),
        DetachPartition { table, parent } => partitions::detach(ctx, table, parent),
        CreateSequence(s) => sequences::create(s),
        AlterSequence { from, to } => sequences::alter(from, to),
        DropSequence(s) => sequences::drop(s),
        CreateDomain(d) => types::create_domain(d),
        CreateCollation(c) => collations::create(c),
        AlterCollation { from, to } => collations::alter(from, to),
        DropCollation(c) => collations::drop(c),
        CreateBucket(b) => buckets::create(b),
        AlterBucket { from, to } => buckets::alter(from, to),
        DeleteBucket(b) => buckets::delete(b),
        CreateCompositeType(t) => types::create_composite(t),
        AlterDomain { from, to } => types::alter_domain(from, to),
        AlterCompositeType { from, to } => types::alter_composite(from, to),
        DropDomain(d) => types::drop_domain(d),
        DropCompositeType(t) => types::drop_composite(t),
        SetTableComment { table, comment } => B::new(40, format!("set the comment of {table}"))
            .rule(Rule::S015, "metadata only")
            .sql(ddl::comment_on("TABLE", &table.sql(), comment.as_deref())),
        CreateView(v) => B::new(41, format!("create {} {}", v.noun(), v.name))
            .rule(
                Rule::S006,
                if v.materialized {
                    "a new materialized view, filled by running its query once"
                } else {
                    "a new view"
                },
            )
            .sqls(ddl::create_view_all(v))
            .sqls(
                v.comment
                    .as_deref()
                    .map(|c| ddl::comment_on(v.keyword(), &v.name.sql(), Some(c))),
            )
            // A view dropped and created again by this plan (a table it reads is dropped)
            // gets back the triggers that went with it.
            .sqls(view_triggers(ctx, v)),
        ReplaceView { from, to } => {
            let b = B::new(41, format!("replace {} {}", to.noun(), to.name));
            let above = views_on(ctx, &[from]);
            if from.query != to.query
                || from.security_invoker != to.security_invoker
                || from.check_option != to.check_option
                || from.materialized != to.materialized
            {
                b.rule(
                    Rule::C113,
                    "clients reading the view see the new definition",
                )
                .sqls(above.iter().rev().map(|v| ddl::drop_view(v)))
                .sql(ddl::drop_view(from))
                .sqls(recreate_view(ctx, to))
                .sqls(
                    above
                        .iter()
                        .filter_map(|v| ctx.desired.views.get(&v.name))
                        .flat_map(|v| recreate_view(ctx, v)),
                )
            } else {
                b.rule(Rule::S015, "metadata only").sql(ddl::comment_on(
                    to.keyword(),
                    &to.name.sql(),
                    to.comment.as_deref(),
                ))
            }
        }
        CreatePolicy(p) => B::new(42, format!("create policy {} on {}", p.name, p.table))
            .rule(
                Rule::S007,
                format!("{} for {}", p.command.as_str(), p.roles.join(", ")),
            )
            .sql(ddl::create_policy(p))
            .refs([table_addr(&p.table)]),
        AlterPolicy { from, to } => B::new(42, format!("alter policy {} on {}", to.name, to.table))
            .rule(Rule::C106, policy_change(from, to))
            .sql(ddl::alter_policy(to))
            .refs([table_addr(&to.table)]),
        ReplacePolicy { from, to } => {
            B::new(42, format!("replace policy {} on {}", to.name, to.table))
                .rule(Rule::C106, policy_change(from, to))
                .sql(ddl::drop_policy(&from.table, &from.name))
                .sql(ddl::create_policy(to))
                .refs([table_addr(&to.table)])
        }
        CreateTrigger(t) => B::new(43, format!("create trigger {} on {}", t.name, t.table))
            .rule(Rule::S014, format!("runs {}", t.function))
            .sql(ddl::create_trigger(t))
            .refs([table_addr(&t.table), Address::Function(t.function.clone())]),
        ReplaceTrigger { from, to } => {
            B::new(43, format!("replace trigger {} on {}", to.name, to.table))
                .rule(Rule::C113, "the trigger's behaviour changes")
                .sql(ddl::drop_trigger(&from.table, &from.name))
                .sql(ddl::create_trigger(to))
                .refs([
                    table_addr(&to.table),
                    Address::Function(to.function.clone()),
                ])
        }
        Grant(g) => B::new(
            44,
            format!(
                "grant {} on {} to {}",
                privileges_text(g, false),
                g.target,
                g.role
            ),
        )
        .rule(
            Rule::S009,
            format!("{} gains {}", g.role, privileges_text(g, false)),
        )
        .sqls(ddl::grant(g))
        .refs([grant_target_addr(&g.target)]),

        // ---- the Management API
        SetSecret { name, new } => B::new(
            50,
            format!("{} secret {name}", if *new { "set" } else { "update" }),
        )
        .rule(Rule::S012, "the value is never shown")
        .phase(Phase::Functions),
        DeployEdgeFunction {
            function,
            new,
            from,
        } => {
            let mut b = B::new(51, format!("deploy Edge Function {}", function.slug))
                .phase(Phase::Functions)
                .refs(function.secrets.iter().map(|s| Address::Secret(s.clone())));
            match from {
                Some(old)
                    if old.entrypoint != function.entrypoint
                        || old.import_map != function.import_map
                        || old.verify_jwt != function.verify_jwt =>
                {
                    b = b.rule(Rule::C107, edge_change(old, function));
                }
                _ => {
                    b = b.rule(
                        Rule::S011,
                        if *new {
                            "a new endpoint"
                        } else {
                            "a new version"
                        },
                    );
                }
            }
            b
        }
        DeleteEdgeFunction(f) => B::new(52, format!("delete Edge Function {}", f.slug))
            .rule(
                Rule::D205,
                format!("requests to /functions/v1/{} fail", f.slug),
            )
            .phase(Phase::Functions),
        DeleteSecret { name, used_by } => {
            let b = B::new(53, format!("delete secret {name}")).phase(Phase::Functions);
            if used_by.is_empty() {
                b.rule(Rule::C114, "no Edge Function of the config uses it")
            } else {
                b.rule(Rule::D210, format!("used by {}", used_by.join(", ")))
            }
        }
    }
}

/// "new tables of postgres in public give SELECT to anon".
fn default_summary(d: &DefaultPrivilege, verb: &str) -> String {
    format!(
        "new {} of {} in {} {verb} {} to {}",
        d.on.as_str(),
        d.owner,
        d.schema.as_deref().unwrap_or("every schema"),
        d.privileges.join(", "),
        d.role
    )
}

fn grant_target_addr(t: &GrantTarget) -> Address {
    match t {
        GrantTarget::Table(q) | GrantTarget::Sequence(q) => Address::Table(q.clone()),
        GrantTarget::Function(q) => Address::Function(q.clone()),
        GrantTarget::Schema(s) => Address::Schema(s.clone()),
    }
}

fn constraint_rule(ctx: &Context, table: &QName, mut b: B, what: &str) -> B {
    if ctx.live.tables.contains_key(table) && populated(ctx, table) {
        b = b.rule(Rule::C103, format!("{what} ({})", rows_note(ctx, table)));
        b.rows_of = Some(table.clone());
        b
    } else {
        b.rule(Rule::S001, "the table has no rows yet")
    }
}

/// Functions come before tables (a default or check may call one), those whose signature
/// names a table's row type right after the tables (same tier: the diff lists tables first).
fn function_tier(ctx: &Context, f: &Function) -> u32 {
    if ddl::uses_view_row_type(f, ctx.desired) {
        // After the views (41).
        42
    } else if ddl::uses_row_type(f, ctx.desired) {
        34
    } else {
        33
    }
}

/// C102 for a constraint whose index is built inside the transaction (a unique constraint
/// or primary key) on a table holding rows: writes to the table wait for the build.
fn builds_index_locked(ctx: &Context, table: &QName, b: B) -> B {
    if ctx.live.tables.contains_key(table) && populated(ctx, table) {
        b.rule(
            Rule::C102,
            format!(
                "its index is built without CONCURRENTLY: writes to {table} wait meanwhile ({})",
                rows_note(ctx, table)
            ),
        )
    } else {
        b
    }
}

/// D209 when something in the desired state still uses the object, else C112.
fn dependents_rule(ctx: &Context, addr: &Address) -> Rule {
    let used = match addr {
        Address::Function(q) => ctx.desired.triggers.values().any(|t| &t.function == q),
        _ => false,
    };
    if used {
        Rule::D209
    } else {
        Rule::C112
    }
}

fn view_drop_rule(ctx: &Context, v: &QName) -> Rule {
    let used = ctx
        .desired
        .views
        .values()
        .any(|o| &o.name != v && o.query.contains(&v.name));
    if used {
        Rule::D209
    } else {
        Rule::C112
    }
}

/// D209 when a table the configuration does not declare still has a column of the enum
/// (the drop fails, or would have to cascade); columns of declared tables leave the type
/// earlier in the same plan.
fn enum_drop_rule(ctx: &Context, e: &QName) -> Rule {
    let used = ctx.live.tables.values().any(|t| {
        !ctx.desired.tables.contains_key(&t.name)
            && t.columns.iter().any(|c| c.enum_type.as_ref() == Some(e))
    });
    if used {
        Rule::D209
    } else {
        Rule::C112
    }
}

fn policy_change(from: &Policy, to: &Policy) -> String {
    let mut parts = Vec::new();
    if from.roles != to.roles {
        parts.push(format!(
            "roles {} → {}",
            from.roles.join(", "),
            to.roles.join(", ")
        ));
    }
    if from.using != to.using {
        parts.push("USING changes".to_string());
    }
    if from.check != to.check {
        parts.push("WITH CHECK changes".to_string());
    }
    if from.command != to.command {
        parts.push(format!(
            "command {} → {}",
            from.command.as_str(),
            to.command.as_str()
        ));
    }
    if from.permissive != to.permissive {
        parts.push(
            if to.permissive {
                "becomes permissive"
            } else {
                "becomes restrictive"
            }
            .to_string(),
        );
    }
    format!(
        "who can see or change rows of {} changes: {}",
        to.table,
        parts.join("; ")
    )
}

fn edge_change(old: &EdgeFunction, new: &EdgeFunction) -> String {
    let mut parts = Vec::new();
    if old.entrypoint != new.entrypoint {
        parts.push(format!(
            "entrypoint {} → {}",
            old.entrypoint, new.entrypoint
        ));
    }
    if old.import_map != new.import_map {
        parts.push("import map changes".to_string());
    }
    if old.verify_jwt != new.verify_jwt {
        parts.push(format!(
            "verify_jwt {} → {}",
            old.verify_jwt, new.verify_jwt
        ));
    }
    parts.join("; ")
}

fn add_column(ctx: &Context, table: &QName, c: &Column) -> B {
    let mut b = B::new(
        35,
        format!("add column {} {} to {table}", c.name, ddl::column_type(c)),
    )
    .refs([table_addr(table)])
    .refs(c.enum_type.clone().map(Address::Enum));
    let has_rows = populated(ctx, table);
    if c.default.as_ref().is_some_and(is_volatile_default)
        || c.identity.is_some()
        || c.generated.is_some()
    {
        b = b.rule(
            Rule::C105,
            format!(
                "every row of {table} is rewritten to fill the column ({})",
                rows_note(ctx, table)
            ),
        );
        b.rows_of = Some(table.clone());
    } else if !c.nullable && c.default.is_none() && has_rows {
        b = b.rule(
            Rule::C104,
            format!("{table} has rows and the column is NOT NULL without a default: the statement fails; add a default"),
        );
        b.rows_of = Some(table.clone());
    } else {
        b = b.rule(Rule::S002, "no rewrite; existing rows get the default");
    }
    b = b.sql(ddl::add_column(table, c));
    if let Some(text) = &c.comment {
        b = b.sql(ddl::comment_on(
            "COLUMN",
            &format!("{}.{}", table.sql(), crate::quote::ident(&c.name)),
            Some(text),
        ));
    }
    b
}

/// The integer type behind `serial`, `bigserial`, `smallserial`.
fn serial_base(t: &str) -> Option<&'static str> {
    match t {
        "serial" => Some("integer"),
        "bigserial" => Some("bigint"),
        "smallserial" => Some("smallint"),
        _ => None,
    }
}

/// A `serial` column and the same integer column with `nextval` of the same sequence
/// differ only in who owns the sequence: `ALTER SEQUENCE … OWNED BY`, no type change
/// (`serial` is not a type `ALTER COLUMN … TYPE` accepts).
fn serial_ownership(table: &QName, from: &Column, to: &Column) -> Option<B> {
    let seq = column_sequence_name(table, &to.name);
    let uses_seq = |c: &Column| matches!(&c.default, Some(DefaultValue::Sql(e)) if e.contains("nextval(") && e.contains(&seq.name));
    let same_rest = |a: &Column, b: &Column| {
        a.nullable == b.nullable
            && a.identity == b.identity
            && a.generated == b.generated
            && a.collation == b.collation
    };
    let owned = match (serial_base(&to.data_type), serial_base(&from.data_type)) {
        (Some(base), None) if from.data_type == base && uses_seq(from) => true,
        (None, Some(base)) if to.data_type == base && uses_seq(to) => false,
        _ => return None,
    };
    if !same_rest(from, to) {
        return None;
    }
    let owner = if owned {
        format!("{}.{}", table.sql(), crate::quote::ident(&to.name))
    } else {
        "NONE".to_string()
    };
    Some(
        B::new(36, format!("alter column {table}.{}", to.name))
            .refs([table_addr(table)])
            .sql(format!("ALTER SEQUENCE {} OWNED BY {owner}", seq.sql()))
            .rule(
                Rule::S015,
                if owned {
                    format!("{} becomes a serial column: its sequence {seq} is owned by it; no rows change", to.name)
                } else {
                    format!("the sequence {seq} is no longer owned by {}; no rows change", to.name)
                },
            ),
    )
}

/// A plain integer column that becomes `serial` (`bigserial`, `smallserial`): its sequence
/// is created, owned by the column, set past the highest value the column holds (so the
/// next insert does not collide) and made the column's default; no rows change. The rest
/// of the change (`NOT NULL`, …) follows as for any column.
fn serial_adoption(ctx: &Context, table: &QName, from: &Column, to: &Column) -> Option<B> {
    let base = serial_base(&to.data_type)?;
    if from.data_type != base || from.default.is_some() || from.identity.is_some() {
        return None;
    }
    let seq = column_sequence_name(table, &to.name);
    let col = crate::quote::ident(&to.name);
    let mut adopted = from.clone();
    adopted.data_type = to.data_type.clone();
    adopted.default = to.default.clone();
    let rest = alter_column(ctx, table, &adopted, to);
    let mut sql = vec![
        format!(
            "CREATE SEQUENCE {} AS {base} OWNED BY {}.{col}",
            seq.sql(),
            table.sql()
        ),
        format!(
            "SELECT pg_catalog.setval({}, COALESCE(pg_catalog.max({col}), 0) + 1, false) FROM {}",
            crate::quote::literal(&seq.sql()),
            table.sql()
        ),
        format!(
            "ALTER TABLE {} ALTER COLUMN {col} SET DEFAULT pg_catalog.nextval({}::regclass)",
            table.sql(),
            crate::quote::literal(&seq.sql())
        ),
    ];
    sql.extend(rest.sql.iter().cloned());
    let mut b = rest;
    b.sql = sql;
    b.summary = format!("alter column {table}.{}", to.name);
    b.rules.insert(
        0,
        RuleHit::new(
            Rule::S015,
            format!(
                "{} becomes a {}: a new sequence {seq}, started after the highest value it holds, is its default; no rows change",
                to.name, to.data_type
            ),
        ),
    );
    Some(b)
}

/// A `serial` column that becomes a plain integer column: its default goes, then the
/// sequence it owned (its current value is lost; no rows change). The rest of the change
/// (a new default, …) follows as for any column.
fn serial_release(ctx: &Context, table: &QName, from: &Column, to: &Column) -> Option<B> {
    let base = serial_base(&from.data_type)?;
    let seq = column_sequence_name(table, &from.name);
    let uses_seq = matches!(&to.default, Some(DefaultValue::Sql(e)) if e.contains("nextval(") && e.contains(&seq.name));
    if to.data_type != base || uses_seq {
        return None;
    }
    let mut released = from.clone();
    released.data_type = to.data_type.clone();
    released.default = None;
    let rest = alter_column(ctx, table, &released, to);
    let mut sql = vec![
        ddl::set_default(table, &from.name, None),
        ddl::drop_sequence(&seq),
    ];
    sql.extend(rest.sql.iter().cloned());
    let mut b = rest;
    b.sql = sql;
    b.summary = format!("alter column {table}.{}", to.name);
    b.rules.insert(
        0,
        RuleHit::new(
            Rule::C119,
            format!(
                "{} is no longer a {}: its default goes and its sequence {seq} is dropped (its current value is lost); no rows change",
                to.name, from.data_type
            ),
        ),
    );
    Some(b)
}

fn alter_column(ctx: &Context, table: &QName, from: &Column, to: &Column) -> B {
    if let Some(b) = serial_ownership(table, from, to) {
        return b;
    }
    if let Some(b) = serial_adoption(ctx, table, from, to) {
        return b;
    }
    if let Some(b) = serial_release(ctx, table, from, to) {
        return b;
    }
    let mut b = B::new(36, format!("alter column {table}.{}", to.name)).refs([table_addr(table)]);
    b.rows_of = Some(table.clone());
    let col_sql = format!("{}.{}", table.sql(), crate::quote::ident(&to.name));
    let type_changed = from.data_type != to.data_type || from.enum_type != to.enum_type;
    let generated_changed = from.generated != to.generated;
    if type_changed || generated_changed || from.collation != to.collation {
        // Policies on the table and views that read the column block ALTER TYPE: they go
        // first and come back after, in their desired form.
        let (policies, views) = column_dependents(ctx, &[(table.clone(), from.name.clone())]);
        let triggers = column_triggers(ctx, &[(table.clone(), from.name.clone())]);
        b = b
            .sqls(views.iter().rev().map(|v| ddl::drop_view(v)))
            .sqls(policies.iter().map(|p| ddl::drop_policy(&p.table, &p.name)))
            .sqls(
                triggers
                    .iter()
                    .map(|t| ddl::drop_trigger(&t.table, &t.name)),
            );
        if from.default.is_some() && type_changed {
            b = b.sql(ddl::set_default(table, &to.name, None));
        }
        if generated_changed {
            b = b
                .sql(ddl::drop_column(table, &from.name))
                .sql(ddl::add_column(table, to))
                .rule(
                    Rule::C105,
                    format!(
                        "the generated column {} is dropped and added again: every row of {table} is rewritten to recompute it ({})",
                        to.name,
                        rows_note(ctx, table)
                    ),
                );
        } else {
            let mut typed = to.clone();
            if !type_changed {
                typed.data_type = from.data_type.clone();
            }
            b = b.sql(if type_changed {
                ddl::alter_column_type(table, from, to)
            } else {
                format!(
                    "ALTER TABLE {} ALTER COLUMN {} TYPE {} COLLATE {}",
                    table.sql(),
                    crate::quote::ident(&to.name),
                    ddl::column_type(to),
                    ddl::collation(to.collation.as_deref().unwrap_or("default"))
                )
            });
            // Between two enums, the labels decide: each old one in the new type converts.
            let missing_labels: Option<Vec<String>> = match (&from.enum_type, &to.enum_type) {
                (Some(a), Some(b)) => match (ctx.live.enums.get(a), ctx.desired.enums.get(b)) {
                    (Some(a), Some(b)) => Some(
                        a.values
                            .iter()
                            .filter(|v| !b.values.contains(v))
                            .cloned()
                            .collect(),
                    ),
                    _ => None,
                },
                _ => None,
            };
            if let Some(missing) = missing_labels.as_ref().filter(|m| !m.is_empty()) {
                b = b.rule(
                    Rule::D208,
                    format!(
                        "{} → {}: {} not a label of {}, so a row holding it makes the statement fail",
                        from.data_type,
                        to.data_type,
                        missing.join(", "),
                        to.data_type
                    ),
                );
                b.backup = Some(column_backup(ctx, table, &from.name));
            } else if missing_labels.is_some() {
                b = b.rule(
                    Rule::C101,
                    format!(
                        "{} → {}: every label of the old type is one of the new; the table is rewritten",
                        from.data_type, to.data_type
                    ),
                );
            } else if type_changed && narrowing(&from.data_type, &to.data_type) {
                b = b.rule(
                    Rule::D208,
                    format!(
                        "{} → {}: values that do not fit are lost or make the statement fail",
                        from.data_type, to.data_type
                    ),
                );
                b.backup = Some(column_backup(ctx, table, &from.name));
            } else {
                b = b.rule(
                    Rule::C101,
                    format!(
                        "{} → {}: the table is rewritten",
                        from.data_type, to.data_type
                    ),
                );
            }
            if type_changed {
                if let Some(d) = &to.default {
                    b = b.sql(ddl::set_default(table, &to.name, Some(d)));
                }
            }
        }
        b = b
            .sqls(
                ctx.desired
                    .policies
                    .values()
                    .filter(|p| {
                        policies
                            .iter()
                            .any(|o| o.name == p.name && o.table == p.table)
                    })
                    .map(ddl::create_policy),
            )
            .sqls(
                views
                    .iter()
                    .filter_map(|v| ctx.desired.views.get(&v.name))
                    .flat_map(|v| recreate_view(ctx, v)),
            )
            .sqls(recreate_triggers(ctx, &triggers));
    }
    // An identity goes before a default takes its place (Postgres refuses a default on an
    // identity column).
    let identity_dropped = from.identity.is_some() && to.identity.is_none();
    if identity_dropped {
        b = b
            .sql(format!(
                "ALTER TABLE {} ALTER COLUMN {} DROP IDENTITY",
                table.sql(),
                crate::quote::ident(&to.name)
            ))
            .rule(Rule::C101, "how the column's values are generated changes");
    }
    if from.default != to.default && (!type_changed || generated_changed) {
        b = b
            .sql(ddl::set_default(table, &to.name, to.default.as_ref()))
            .rule(Rule::S015, "only new rows get the new default");
    }
    if from.nullable && !to.nullable {
        if ctx.live.tables.contains_key(table) && populated(ctx, table) {
            // Lock-safe: a validated check proves no NULL, then SET NOT NULL skips the scan.
            let check = crate::config::default_constraint_name(
                &format!("{}_{}", table.name, to.name),
                "not_null",
            );
            // After the transaction that alters the rest of the column, on its own.
            let mut v = B::new(
                b.tier,
                format!(
                    "set not null on {table}.{} through a validated check",
                    to.name
                ),
            )
            .refs([table_addr(table)])
            .validated(
                table,
                format!(
                    "ALTER TABLE {} ADD CONSTRAINT {} CHECK ({} IS NOT NULL) NOT VALID",
                    table.sql(),
                    crate::quote::ident(&check),
                    crate::quote::ident(&to.name)
                ),
                &check,
            )
            .sql(ddl::set_not_null(table, &to.name, true))
            .sql(ddl::drop_constraint(table, &check));
            v.rows_of = Some(table.clone());
            b.then = Some(Box::new(v.rule(
                Rule::C104,
                format!(
                    "fails if any row of {table} holds NULL in {} ({})",
                    to.name,
                    rows_note(ctx, table)
                ),
            )));
        } else {
            b = b
                .sql(ddl::set_not_null(table, &to.name, true))
                .rule(Rule::S017, "the table is empty");
        }
    } else if !from.nullable && to.nullable {
        b = b
            .sql(ddl::set_not_null(table, &to.name, false))
            .rule(Rule::S018, "no rows change");
    }
    if from.identity != to.identity && !identity_dropped {
        let name = crate::quote::ident(&to.name);
        b = match (from.identity, to.identity) {
            (Some(_), None) => b,
            (None, Some(i)) => b.sql(format!(
                "ALTER TABLE {} ALTER COLUMN {name} ADD GENERATED {} AS IDENTITY{}",
                table.sql(),
                i.as_str().to_uppercase(),
                ddl::identity_options(to)
            )),
            (_, Some(i)) => b.sql(format!(
                "ALTER TABLE {} ALTER COLUMN {name} SET GENERATED {}",
                table.sql(),
                i.as_str().to_uppercase()
            )),
            (None, None) => b,
        }
        .rule(Rule::C101, "how the column's values are generated changes");
    }
    if from.identity.is_some()
        && to.identity.is_some()
        && from.identity_sequence != to.identity_sequence
    {
        b = b
            .sqls(ddl::alter_identity_sequence(
                table,
                &to.name,
                from.identity_sequence.as_deref(),
                to.identity_sequence.as_deref(),
            ))
            .rule(
                Rule::C118,
                "the identity's sequence: values handed out are kept; a maximum below the current value fails",
            );
    }
    if from.comment != to.comment {
        b = b
            .sql(ddl::comment_on("COLUMN", &col_sql, to.comment.as_deref()))
            .rule(Rule::S015, "metadata only");
    }
    b
}

/// The policies and views that read one of `columns` and block a change of its type:
/// dropped before the change and created again after it. Only those the configuration
/// declares: the others are dropped by their own steps (earlier), and an unmanaged one makes
/// Postgres refuse the change rather than being dropped behind the user's back.
fn column_dependents<'a>(
    ctx: &'a Context,
    columns: &[(QName, String)],
) -> (Vec<&'a Policy>, Vec<&'a View>) {
    let policies = ctx
        .live
        .policies
        .values()
        .filter(|p| {
            // On the column's table, or on another table whose policy reads it through
            // a subquery (naming that table and the column).
            columns
                .iter()
                .any(|(t, c)| mentions(p, c) && (&p.table == t || mentions(p, &t.name)))
                && ctx
                    .desired
                    .policies
                    .contains_key(&(p.table.clone(), p.name.clone()))
        })
        .collect();
    let views = ctx
        .live
        .views
        .values()
        .filter(|v| {
            columns
                .iter()
                .any(|(t, c)| v.query.contains(&t.name) && v.query.contains(c.as_str()))
                && ctx.desired.views.contains_key(&v.name)
        })
        .collect::<Vec<&View>>();
    let above = views_on(ctx, &views);
    let mut views = views;
    views.extend(above);
    (policies, dependency_order(views))
}

/// Views ordered so that each comes after the views of the list its query names (created
/// in this order, dropped in the reverse one).
fn dependency_order(views: Vec<&View>) -> Vec<&View> {
    let mut left = views;
    let mut out: Vec<&View> = Vec::new();
    while !left.is_empty() {
        let ready = (0..left.len()).find(|&i| {
            !left
                .iter()
                .enumerate()
                .any(|(j, o)| j != i && has_word(&left[i].query, &o.name.name))
        });
        // A cycle cannot exist between views; take the first one if names mislead.
        out.push(left.remove(ready.unwrap_or(0)));
    }
    out
}

/// The configured triggers whose `UPDATE OF` or `WHEN` names one of `columns` (they block
/// a change of its type): dropped before, created again after in their desired form.
fn column_triggers<'a>(ctx: &'a Context, columns: &[(QName, String)]) -> Vec<&'a Trigger> {
    ctx.live
        .triggers
        .values()
        .filter(|t| {
            columns.iter().any(|(tab, c)| {
                &t.table == tab
                    && (t.update_of.iter().any(|u| u == c)
                        || t.when.as_deref().is_some_and(|w| has_word(w, c)))
            }) && ctx
                .desired
                .triggers
                .contains_key(&(t.table.clone(), t.name.clone()))
        })
        .collect()
}

fn recreate_triggers(ctx: &Context, triggers: &[&Trigger]) -> Vec<String> {
    triggers
        .iter()
        .filter_map(|t| ctx.desired.triggers.get(&(t.table.clone(), t.name.clone())))
        .map(ddl::create_trigger)
        .collect()
}

/// A view as it is created again after a drop: its query, its comment and the grants on
/// it (which went with it).
fn recreate_view(ctx: &Context, v: &View) -> Vec<String> {
    let mut out = ddl::create_view_all(v);
    if let Some(c) = &v.comment {
        out.push(ddl::comment_on(v.keyword(), &v.name.sql(), Some(c)));
    }
    out.extend(view_triggers(ctx, v));
    // The grants the configuration declares as declared; the others as they were (a
    // privilege revoked by hand stays revoked, as it would were the view kept).
    let target = GrantTarget::Table(v.name.clone());
    let scope = ctx.desired.grant_scope.as_ref();
    let declared = |g: &Grant| {
        scope.is_none_or(|s| s.contains(&(g.target.clone(), g.role.clone(), g.columns.clone())))
    };
    out.extend(
        ctx.desired
            .grants
            .iter()
            .filter(|g| g.target == target && declared(g))
            .chain(
                ctx.live
                    .grants
                    .iter()
                    .filter(|g| scope.is_some() && g.target == target && !declared(g)),
            )
            .filter(|g| !g.privileges.is_empty())
            .flat_map(ddl::grant),
    );
    out
}

/// The triggers on a view (`INSTEAD OF …`) that went with it when it was dropped and that
/// the configuration keeps: created again, in their desired form, once the view is back.
/// (A trigger the configuration adds or changes has its own step, after the views.)
fn view_triggers(ctx: &Context, v: &View) -> Vec<String> {
    ctx.desired
        .triggers
        .iter()
        .filter(|(k, t)| t.table == v.name && ctx.live.triggers.contains_key(*k))
        .map(|(_, t)| ddl::create_trigger(t))
        .collect()
}

/// Whether a policy's expressions name a column or function (a whole-word match).
fn mentions(p: &Policy, column: &str) -> bool {
    let hit = |e: &Option<String>| e.as_deref().is_some_and(|text| has_word(text, column));
    hit(&p.using) || hit(&p.check)
}

/// The views of the configuration built on `base` (directly or through each other), as
/// they are live: `DROP VIEW` refuses while they exist, so they are dropped first (deepest
/// first) and created again after, in this order. An unmanaged one makes Postgres refuse.
fn views_on<'a>(ctx: &'a Context, base: &[&View]) -> Vec<&'a View> {
    let mut out: Vec<&View> = Vec::new();
    let mut frontier: Vec<QName> = base.iter().map(|v| v.name.clone()).collect();
    while !frontier.is_empty() {
        let next: Vec<&View> = ctx
            .live
            .views
            .values()
            .filter(|v| {
                !out.iter().any(|o| o.name == v.name)
                    && !base.iter().any(|b| b.name == v.name)
                    && ctx.desired.views.contains_key(&v.name)
                    && frontier.iter().any(|n| has_word(&v.query, &n.name))
            })
            .collect();
        frontier = next.iter().map(|v| v.name.clone()).collect();
        out.extend(next);
    }
    out
}

fn rebuild_enum(ctx: &Context, from: &Enum, to: &Enum, columns: &[(QName, String)]) -> B {
    let old = QName::new(
        to.name.schema.clone(),
        format!("{}__supaform_old", to.name.name),
    );
    let removed: Vec<&String> = from
        .values
        .iter()
        .filter(|v| !to.values.contains(v))
        .collect();
    let reason = if removed.is_empty() {
        format!(
            "values reordered: {} → {}",
            from.values.join(", "),
            to.values.join(", ")
        )
    } else {
        let names: Vec<&str> = removed.iter().map(|s| s.as_str()).collect();
        format!(
            "removes {}: rows holding it make the rebuild fail",
            names.join(", ")
        )
    };
    let mut b = B::new(
        32,
        format!("rebuild enum {} ({})", to.name, to.values.join(", ")),
    )
    .rule(Rule::D204, reason);
    let (policies, views) = column_dependents(ctx, columns);
    let triggers = column_triggers(ctx, columns);
    b = b
        .sqls(views.iter().rev().map(|v| ddl::drop_view(v)))
        .sqls(policies.iter().map(|p| ddl::drop_policy(&p.table, &p.name)))
        .sqls(
            triggers
                .iter()
                .map(|t| ddl::drop_trigger(&t.table, &t.name)),
        )
        .sql(ddl::rename_type(&from.name, &old.name))
        .sql(ddl::create_enum(to));
    for (t, c) in columns {
        let col = ctx.live.tables.get(t).and_then(|tt| tt.column(c));
        let default = col.and_then(|c| c.default.clone());
        if default.is_some() {
            b = b.sql(ddl::set_default(t, c, None));
        }
        // An array of the enum is cast through text[].
        let dims = if col.is_some_and(|c| c.data_type.ends_with("[]")) {
            "[]"
        } else {
            ""
        };
        b = b.sql(format!(
            "ALTER TABLE {} ALTER COLUMN {} TYPE {ty}{dims} USING {}::text{dims}::{ty}{dims}",
            t.sql(),
            crate::quote::ident(c),
            crate::quote::ident(c),
            ty = to.name.sql(),
        ));
        let desired_default = ctx
            .desired
            .tables
            .get(t)
            .and_then(|tt| tt.column(c))
            .and_then(|c| c.default.clone());
        if let Some(d) = desired_default {
            b = b.sql(ddl::set_default(t, c, Some(&d)));
        }
        if b.backup.is_none() {
            b.backup = Some(column_backup(ctx, t, c));
            b.rows_of = Some(t.clone());
        }
    }
    b.sql(ddl::drop_type(&old))
        .sqls(
            policies
                .iter()
                .filter_map(|p| ctx.desired.policies.get(&(p.table.clone(), p.name.clone())))
                .map(ddl::create_policy),
        )
        .sqls(
            views
                .iter()
                .filter_map(|v| ctx.desired.views.get(&v.name))
                .flat_map(|v| recreate_view(ctx, v)),
        )
        .sqls(recreate_triggers(ctx, &triggers))
}

/// A foreign key this plan adds (in the desired model, not live) that references exactly
/// the columns of `index`, a new plain unique index on `table`: its name.
fn new_foreign_key_needing(ctx: &Context, table: &QName, index: &Index) -> Option<String> {
    if !index.unique || index.predicate.is_some() {
        return None;
    }
    let mut cols: Vec<&str> = Vec::new();
    for p in &index.parts {
        match p {
            IndexPart::Column(c) => cols.push(c),
            IndexPart::Expression(_) => return None,
        }
    }
    cols.sort_unstable();
    ctx.desired.tables.values().find_map(|t| {
        t.foreign_keys.iter().find_map(|fk| {
            let mut refs: Vec<&str> = fk.ref_columns.iter().map(String::as_str).collect();
            refs.sort_unstable();
            let live = ctx
                .live
                .tables
                .get(&t.name)
                .is_some_and(|l| l.foreign_keys.iter().any(|x| x.name == fk.name));
            (&fk.ref_table == table && refs == cols && !live)
                .then(|| format!("{}.{}", t.name, fk.name))
        })
    })
}

/// A grant's privileges for a summary: `SELECT with grant option` where granted with it;
/// for a revoke, `grant option for SELECT` where only the option goes.
fn privileges_text(g: &Grant, revoke: bool) -> String {
    g.privileges
        .iter()
        .map(|p| match (g.grantable.contains(p), revoke) {
            (false, _) => p.clone(),
            (true, false) => format!("{p} with grant option"),
            (true, true) => format!("grant option for {p}"),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn narrowing_type_changes_are_recognised() {
        assert!(narrowing("character varying(100)", "character varying(10)"));
        assert!(!narrowing(
            "character varying(10)",
            "character varying(100)"
        ));
        assert!(!narrowing("character varying(10)", "text"));
        assert!(narrowing("text", "character varying(10)"));
        assert!(narrowing("bigint", "integer"));
        assert!(!narrowing("integer", "bigint"));
        assert!(narrowing("numeric(10,2)", "numeric(8,2)"));
        assert!(narrowing("numeric(10,2)", "numeric(10,1)"));
        assert!(!narrowing("numeric(10,2)", "numeric(12,2)"));
        assert!(narrowing("double precision", "integer"));
        assert!(narrowing("timestamp with time zone", "date"));
        assert!(narrowing("text", "integer"));
        assert!(!narrowing("integer", "text"));
    }

    #[test]
    fn volatile_defaults_are_recognised() {
        assert!(is_volatile_default(&DefaultValue::Sql(
            "gen_random_uuid()".into()
        )));
        assert!(is_volatile_default(&DefaultValue::Sql(
            "extensions.uuid_generate_v4()".into()
        )));
        assert!(!is_volatile_default(&DefaultValue::Sql("now()".into())));
        assert!(!is_volatile_default(&DefaultValue::Literal(
            Literal::String("random()".into())
        )));
    }
}
