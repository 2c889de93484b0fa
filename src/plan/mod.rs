//! The planner: turns a [`Diff`] into ordered, classified [`Step`]s with their SQL.
//! It computes plans as data; it never executes anything (that is `apply/`), and it never
//! formats them for people (that is `report/`).

pub mod ddl;
pub mod rules;
mod steps;

pub use rules::{Risk, Rule, RuleHit};
pub use steps::default_partition;

use crate::diff::{Action, Diff, Hint};
use crate::model::{Address, Model, QName};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// When a step runs (DESIGN.md §5).
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
pub enum Phase {
    /// Autocommit statements that must commit before later steps use them
    /// (`ALTER TYPE … ADD VALUE`).
    Pre,
    /// One transaction: all or nothing.
    Transaction,
    /// Constraints on populated tables, one by one after the transaction: added `NOT VALID`
    /// (a brief lock), then validated in a transaction of its own, which does not block
    /// writes; a failed validation removes the constraint again (`Step::undo`).
    Validate,
    /// `CREATE INDEX CONCURRENTLY`, one by one, outside any transaction.
    Concurrent,
    /// Secrets and Edge Functions, through the Management API.
    Functions,
}

impl Phase {
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Pre => "pre",
            Phase::Transaction => "transaction",
            Phase::Validate => "validate",
            Phase::Concurrent => "concurrent",
            Phase::Functions => "functions",
        }
    }
}

/// How many rows a step touches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RowCount {
    pub rows: i64,
    /// `false` when the count is the planner's estimate (`reltuples`).
    pub exact: bool,
}

/// Row counts of live tables, as far as they are known.
pub type Rows = BTreeMap<QName, RowCount>;

/// What the applier must save before a step runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct BackupSpec {
    /// `schema.table`.
    pub table: String,
    /// `None`: the whole table; else these columns (the primary key first).
    pub columns: Option<Vec<String>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Step {
    pub address: String,
    pub action: Action,
    pub risk: Risk,
    pub rules: Vec<RuleHit>,
    /// One line saying what the step does.
    pub summary: String,
    pub sql: Vec<String>,
    pub phase: Phase,
    pub depends_on: Vec<String>,
    pub affected_rows: Option<RowCount>,
    pub backup: Option<BackupSpec>,
    /// *validate* phase: what removes the step's constraint again when its validation
    /// fails, so a failure leaves the table as it was.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub undo: Vec<String>,
}

/// A plan: data only. Rendered by `report/`, executed by `apply/`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Plan {
    pub format_version: u32,
    pub environment: String,
    pub config_hash: String,
    pub live_fingerprint: String,
    pub state_lineage: Option<String>,
    pub state_serial: Option<u64>,
    pub steps: Vec<Step>,
    /// Checks on the desired state itself (L3xx), reported beside the steps.
    pub findings: Vec<crate::lint::Finding>,
    pub unmanaged: Vec<String>,
    pub hints: Vec<PlanHint>,
    /// The addresses `plan --target` restricted the plan to (with what they depend on);
    /// empty for a whole plan. Rehearsal and state then concern only these.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub targets: Vec<String>,
    /// For `supaform diff`: the two databases compared (environment names, or URLs with
    /// the password removed). The steps make `from` match `to`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compared: Option<Compared>,
}

/// The two sides of `supaform diff`, as shown to the user (never with a password).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Compared {
    /// The database the steps change (`--from`).
    pub from: String,
    /// The database it is made to match (`--to`).
    pub to: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PlanHint {
    pub address: String,
    pub message: String,
}

impl From<&Hint> for PlanHint {
    fn from(h: &Hint) -> Self {
        PlanHint {
            address: h.address.clone(),
            message: h.message.clone(),
        }
    }
}

impl Plan {
    pub fn count(&self, risk: Risk) -> usize {
        self.steps.iter().filter(|s| s.risk == risk).count()
    }

    pub fn has_changes(&self) -> bool {
        !self.steps.is_empty()
    }

    /// The steps of one phase, in order.
    pub fn phase(&self, phase: Phase) -> impl Iterator<Item = &Step> {
        self.steps.iter().filter(move |s| s.phase == phase)
    }
}

/// What the planner needs besides the diff.
pub struct Context<'a> {
    pub desired: &'a Model,
    pub live: &'a Model,
    /// Row counts of live tables; a table missing here counts as populated.
    pub rows: &'a Rows,
}

/// Order and classify the changes of `diff`.
pub fn build(diff: &Diff, ctx: &Context) -> Vec<Step> {
    // After renames, objects are looked up under their new names (a renamed table is an
    // existing table; the policies on it are found by their new names).
    let (live, mut rows);
    let renamed_ctx;
    let ctx = match &diff.renamed_live {
        Some(l) => {
            live = l;
            rows = ctx.rows.clone();
            for c in &diff.changes {
                if let crate::diff::Change::RenameTable { from, to } = c {
                    if let Some(r) = ctx.rows.get(from) {
                        rows.insert(to.clone(), *r);
                    }
                }
            }
            renamed_ctx = Context {
                desired: ctx.desired,
                live,
                rows: &rows,
            };
            &renamed_ctx
        }
        None => ctx,
    };
    let mut drafts: Vec<steps::Draft> = Vec::with_capacity(diff.changes.len());
    // A value added to an enum renamed by the same plan: the pre phase runs before the
    // rename (in the transaction), so it names the type by its old name.
    for c in &diff.changes {
        let mut ds = steps::draft(c, ctx);
        if let (
            Some(d),
            crate::diff::Change::AddEnumValue {
                name,
                value,
                before,
            },
        ) = (ds.first_mut(), c)
        {
            let old = diff.changes.iter().find_map(|r| match r {
                crate::diff::Change::RenameEnum { from, to } if to == name => Some(from),
                _ => None,
            });
            // Likewise a value it is placed before that the same plan renames.
            let renamed_before = before.as_ref().and_then(|b| {
                diff.changes.iter().find_map(|r| match r {
                    crate::diff::Change::RenameEnumValue { name: n, from, to }
                        if n == name && to == b =>
                    {
                        Some(from.clone())
                    }
                    _ => None,
                })
            });
            if old.is_some() || renamed_before.is_some() {
                let before = renamed_before.or_else(|| before.clone());
                d.step.sql = vec![ddl::add_enum_value(
                    old.unwrap_or(name),
                    value,
                    before.as_deref(),
                )];
            }
        }
        drafts.extend(ds);
    }
    // Stable: within a tier, the diff's order (which follows the model's) is kept.
    drafts.sort_by_key(|d| (d.step.phase, d.tier));
    order_views(&mut drafts);
    order_view_drops(&mut drafts);
    order_table_drops(&mut drafts);
    order_table_creates(&mut drafts);

    let created: BTreeSet<String> = drafts
        .iter()
        .filter(|d| d.step.action != Action::Delete)
        .map(|d| d.step.address.clone())
        .collect();
    drafts
        .into_iter()
        .map(|mut d| {
            let own = d.step.address.clone();
            let mut deps: Vec<String> = d
                .refs
                .iter()
                .map(Address::to_string)
                .filter(|a| *a != own && created.contains(a))
                .collect();
            deps.sort();
            deps.dedup();
            d.step.depends_on = deps;
            d.step
        })
        .collect()
}

/// Tables linked by foreign keys and dropped together: a referencing table goes first
/// (`DROP TABLE` refuses to drop a table another one still references).
fn order_table_drops(drafts: &mut [steps::Draft]) {
    // A table still referenced by another dropped table waits for it; a cycle of foreign
    // keys is dropped in the diff's order (the statement names the constraint that blocks).
    reorder(
        drafts,
        |d| d.drops_table,
        |a, b| b.refs.iter().any(|r| r.to_string() == a.step.address),
    );
}

/// Views dropped together: a view goes before the views its query names (`DROP VIEW`
/// refuses while another view reads it).
fn order_view_drops(drafts: &mut [steps::Draft]) {
    reorder(
        drafts,
        |d| d.step.address.starts_with("view.") && d.step.action == Action::Delete,
        |a, b| {
            let name = a.view_name.as_deref().unwrap_or_default();
            !name.is_empty() && crate::util::has_word(&b.view_query, name)
        },
    );
}

/// New tables: a partition after the partitioned table it belongs to.
fn order_table_creates(drafts: &mut [steps::Draft]) {
    reorder(
        drafts,
        |d| d.creates_table,
        |a, b| a.refs.iter().any(|r| r.to_string() == b.step.address),
    );
}

/// Views over views: a view is created after the views its query names.
fn order_views(drafts: &mut [steps::Draft]) {
    reorder(
        drafts,
        |d| d.step.address.starts_with("view.") && d.step.action != Action::Delete,
        |a, b| {
            let name = b.view_name.as_deref().unwrap_or_default();
            !name.is_empty() && a.view_query.contains(name)
        },
    );
}

/// Reorder, in place, the drafts `pick` selects so that each comes after those it
/// `needs(a, b)` (a needs b first): a topological order of their dependency graph
/// (petgraph), stable — among drafts free to go, the diff's order is kept. Members of a
/// cycle go in the diff's order.
fn reorder(
    drafts: &mut [steps::Draft],
    pick: impl Fn(&steps::Draft) -> bool,
    needs: impl Fn(&steps::Draft, &steps::Draft) -> bool,
) {
    use petgraph::graph::{DiGraph, NodeIndex};
    use petgraph::Direction;
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;
    let idx: Vec<usize> = (0..drafts.len()).filter(|&i| pick(&drafts[i])).collect();
    if idx.len() < 2 {
        return;
    }
    let mut g: DiGraph<usize, ()> = DiGraph::with_capacity(idx.len(), 0);
    let nodes: Vec<NodeIndex> = (0..idx.len()).map(|i| g.add_node(i)).collect();
    for (i, &a) in idx.iter().enumerate() {
        for (j, &b) in idx.iter().enumerate() {
            if i != j && needs(&drafts[a], &drafts[b]) {
                g.add_edge(nodes[j], nodes[i], ());
            }
        }
    }
    let mut waiting: Vec<usize> = nodes
        .iter()
        .map(|&n| g.neighbors_directed(n, Direction::Incoming).count())
        .collect();
    let mut placed = vec![false; idx.len()];
    let mut free: BinaryHeap<Reverse<usize>> = (0..idx.len())
        .filter(|&i| waiting[i] == 0)
        .map(Reverse)
        .collect();
    let mut order: Vec<usize> = Vec::with_capacity(idx.len());
    while order.len() < idx.len() {
        let next = match free.pop() {
            Some(Reverse(i)) => i,
            // Only cycles are left: the first remaining draft goes.
            None => (0..idx.len()).find(|&i| !placed[i]).unwrap_or_default(),
        };
        if placed[next] {
            continue;
        }
        placed[next] = true;
        order.push(next);
        for m in g.neighbors_directed(nodes[next], Direction::Outgoing) {
            let m = g[m];
            waiting[m] = waiting[m].saturating_sub(1);
            if waiting[m] == 0 && !placed[m] {
                free.push(Reverse(m));
            }
        }
    }
    let ordered: Vec<steps::Draft> = order.iter().map(|&i| drafts[idx[i]].clone()).collect();
    for (slot, d) in idx.into_iter().zip(ordered) {
        drafts[slot] = d;
    }
}

#[cfg(test)]
mod tests;
