//! The plan pipeline, wired once for `plan`, `apply` and `diff`: read live, normalise the
//! desired state, diff, order and classify, lint. It returns data; `report/` renders it.

use crate::config::Config;
use crate::diff::{diff, Change, Diff, Ownership};
use crate::introspect::{introspect, IntrospectOptions, Live};
use crate::lint::{lint_rules, LintOptions};
use crate::model::{Model, QName};
use crate::plan::{build, Context, Plan, PlanHint, RowCount, Rows};
use std::collections::BTreeSet;

/// Everything a plan was computed from.
pub struct Planned {
    pub plan: Plan,
    pub desired: Model,
    pub live: Live,
    pub diff: Diff,
    /// What the plan owns (the state's addresses): the live objects it may drop. A
    /// rehearsal or a verify compares with the desired state under the same ownership, so
    /// an owned object a plan forgot to drop shows as a difference.
    pub ownership: Ownership,
    /// Set when the dev server's major version differs from the target's.
    pub version_warning: Option<String>,
    /// DDL of stand-ins for the platform objects the configuration names (see
    /// `introspect::platform`), created in scratch databases before the live schema.
    pub stand_ins: Vec<String>,
}

impl Planned {
    /// The same inputs with another plan (a saved one being applied).
    pub fn clone_with_plan(&self, plan: Plan) -> Planned {
        Planned {
            plan,
            desired: self.desired.clone(),
            live: self.live.clone(),
            diff: self.diff.clone(),
            ownership: self.ownership.clone(),
            version_warning: self.version_warning.clone(),
            stand_ins: self.stand_ins.clone(),
        }
    }
}

/// What supaform knows about ownership and the state it plans against.
#[derive(Default, Clone)]
pub struct StateView {
    pub owned: BTreeSet<String>,
    /// Addresses protected by `prevent_destroy`, remembered even after the block is gone.
    pub protected: BTreeSet<String>,
    /// What `grant` blocks declared at the last apply (see `State::declared_grants`).
    pub declared_grants:
        std::collections::BTreeMap<crate::model::GrantKey, std::collections::BTreeSet<String>>,
    /// What the state recorded of each Edge Function at its last deploy.
    pub functions: std::collections::BTreeMap<String, crate::state::Resource>,
    pub lineage: Option<String>,
    pub serial: Option<u64>,
}

pub fn introspect_options(m: &Model) -> IntrospectOptions {
    IntrospectOptions {
        schemas: m.project.schemas.clone(),
        all_user_schemas: !m.project.schemas_listed,
        managed_roles: m.project.managed_roles.clone(),
    }
}

/// `blake3:<hex>` of a live model: a saved plan is refused when this changes.
pub fn fingerprint(m: &Model) -> String {
    // Streamed into the hasher: no copy of the JSON text is kept.
    use std::io::Write;
    let mut hasher = blake3::Hasher::new();
    {
        let mut w = std::io::BufWriter::with_capacity(64 * 1024, &mut hasher);
        let _ = serde_json::to_writer(&mut w, m);
        let _ = w.flush();
    }
    format!("blake3:{}", hasher.finalize().to_hex())
}

/// Row counts: the planner's estimate for every table, exact (under a short
/// `statement_timeout`) for the tables a change destroys or rewrites.
pub async fn row_counts(client: &tokio_postgres::Client, live: &Live, d: &Diff) -> Rows {
    // A table never analysed has no estimate (-1): unknown, so counted as populated.
    let mut rows: Rows = live
        .row_estimates
        .iter()
        .filter(|(_, n)| **n >= 0)
        .map(|(t, n)| {
            (
                t.clone(),
                RowCount {
                    rows: (*n).max(0),
                    exact: false,
                },
            )
        })
        .collect();
    let mut exact: BTreeSet<QName> = BTreeSet::new();
    for c in &d.changes {
        match c {
            Change::DropTable(t) => {
                exact.insert(t.name.clone());
            }
            // The rows a dropped policy protected.
            Change::DropPolicy(p) => {
                exact.insert(p.table.clone());
            }
            // Every change whose classification asks whether the table holds rows: a
            // table never analysed has no estimate (reltuples -1, read as 0).
            Change::DropColumn { table, .. }
            | Change::AddColumn { table, .. }
            | Change::CreateIndex { table, .. }
            | Change::AddUnique { table, .. }
            | Change::AddExclusion { table, .. }
            | Change::SetUnlogged { table, .. }
            | Change::NoInherit { table, .. }
            | Change::Inherit { table, .. }
            | Change::AlterColumn { table, .. }
            | Change::SetRls { table, .. }
            | Change::AddCheck { table, .. }
            | Change::AddForeignKey { table, .. }
            | Change::SetPrimaryKey { table, .. } => {
                exact.insert(table.clone());
            }
            Change::AttachPartition { table, .. } | Change::DetachPartition { table, .. } => {
                exact.insert(table.clone());
            }
            // A new partition's bound is checked against the rows of the default one.
            Change::CreateTable(t) => {
                if let Some(d) = t
                    .partition_of
                    .as_ref()
                    .and_then(|p| crate::plan::default_partition(&live.model, &p.parent))
                {
                    exact.insert(d.clone());
                }
            }
            Change::RebuildEnum { columns, .. } => {
                exact.extend(columns.iter().map(|(t, _)| t.clone()));
            }
            _ => {}
        }
    }
    if exact.is_empty() {
        return rows;
    }
    // How long one exact count may take (`SUPAFORM_ROW_COUNT_TIMEOUT`, Postgres' syntax).
    let timeout = std::env::var("SUPAFORM_ROW_COUNT_TIMEOUT")
        .ok()
        .filter(|v| !v.trim().is_empty())
        .unwrap_or_else(|| "2s".into());
    if client
        .batch_execute(&format!(
            "SET statement_timeout = {}",
            crate::quote::literal(&timeout)
        ))
        .await
        .is_err()
    {
        return rows;
    }
    for t in exact {
        if !live.model.tables.contains_key(&t) {
            continue;
        }
        let sql = format!("SELECT count(*)::text FROM {}", t.sql());
        if let Ok(msgs) = client.simple_query(&sql).await {
            for m in msgs {
                if let tokio_postgres::SimpleQueryMessage::Row(r) = m {
                    if let Some(n) = r.get(0).and_then(|v| v.parse::<i64>().ok()) {
                        rows.insert(
                            t.clone(),
                            RowCount {
                                rows: n,
                                exact: true,
                            },
                        );
                    }
                }
            }
        }
    }
    let _ = client.batch_execute("RESET statement_timeout").await;
    rows
}

/// What [`plan_against`] plans.
pub struct PlanRequest<'a> {
    pub environment: &'a str,
    pub config_hash: &'a str,
    /// The desired state, normalised.
    pub desired: Model,
    /// The desired state as the config declares it (for the findings on declared grants).
    pub raw_desired: &'a Model,
    pub live: Live,
    pub state: &'a StateView,
    /// Comparing two databases: every live object counts as owned.
    pub own_everything: bool,
}

/// Plan the desired state against the live database behind `client`.
pub async fn plan_against(client: &tokio_postgres::Client, req: PlanRequest<'_>) -> Planned {
    let PlanRequest {
        environment,
        config_hash,
        desired,
        raw_desired,
        live,
        state,
        own_everything,
    } = req;
    let ownership = Ownership {
        owned: state.owned.clone(),
        own_everything,
        declared_grants: state.declared_grants.clone(),
    };
    // Secrets and Edge Functions are planned by `plan_functions`, against the target.
    let mut live_model = live.model.clone();
    let user = current_user(client).await;
    let implied = implied_grants(&live.model, &desired, &user);
    live_model.grants.extend(implied);
    live_model.normalize();
    let d = diff(&desired, &live_model, &ownership);
    let rows = row_counts(client, &live, &d).await;
    let steps = build(
        &d,
        &Context {
            desired: &desired,
            live: &live_model,
            rows: &rows,
        },
    );
    let findings = findings(&desired, raw_desired);
    let mut unmanaged: Vec<String> = d.unmanaged.iter().map(|a| a.to_string()).collect();
    unmanaged.extend(
        live.unmanaged
            .iter()
            .map(|u| format!("{} {} ({})", u.kind, u.name, u.reason)),
    );
    let plan = Plan {
        format_version: 1,
        environment: environment.to_string(),
        config_hash: config_hash.to_string(),
        live_fingerprint: fingerprint(&live.model),
        state_lineage: state.lineage.clone(),
        state_serial: state.serial,
        steps,
        findings,
        unmanaged,
        hints: d.hints.iter().map(PlanHint::from).collect(),
        targets: vec![],
        compared: None,
    };
    Planned {
        plan,
        desired,
        live,
        diff: d,
        ownership,
        version_warning: None,
        stand_ins: vec![],
    }
}

/// The whole pipeline for a configuration and a target URL.
pub async fn plan_config(
    cfg: &Config,
    environment: &str,
    url: &str,
    state: &StateView,
    local: &crate::local::LocalOptions,
) -> miette::Result<Planned> {
    Ok(
        plan_config_prepared(cfg, environment, url, state, local, false)
            .await?
            .0,
    )
}

/// [`plan_config`], and with `rehearsal`, a [`Baseline`] for rehearsing the plan when the
/// configuration has to be normalised in a throwaway database: the live schema is then
/// rebuilt in a second scratch database at the same time (the dev server works on both at
/// once), instead of after the plan. When the normalised configuration is cached the plan
/// is quick and the baseline is left to [`rehearse_with`], which builds it only if the plan
/// changes the database. The caller hands the baseline to [`rehearse_with`] or
/// [`Baseline::discard`].
pub async fn plan_config_prepared(
    cfg: &Config,
    environment: &str,
    url: &str,
    state: &StateView,
    local: &crate::local::LocalOptions,
    rehearsal: bool,
) -> miette::Result<(Planned, Option<Baseline>)> {
    let client = crate::db::connect(url).await?;
    let opts = introspect_options(&cfg.model);
    // What the objects the plan creates will receive on the target: the dev database is
    // given the same default privileges before the configuration is created there.
    // And stand-ins of the platform objects the configuration names, as the target has
    // them. Both reads are sent at once (the client pipelines them).
    let refs = crate::introspect::platform::referenced(&cfg.model);
    let (creator, stand_ins) = tokio::join!(
        crate::introspect::creator_defaults(&client, &opts),
        crate::introspect::platform::stand_ins(&client, &refs)
    );
    let target = crate::normalize::TargetContext {
        creator: creator?,
        stand_ins: stand_ins?,
    };
    let overlap = rehearsal && !crate::normalize::is_cached(cfg, &opts, local, &target).await?;
    // Reading live (then rebuilding it) and normalising the desired state are
    // independent: at once.
    let read = async {
        let live = introspect(&client, &opts).await?;
        let baseline = match overlap {
            true => Some(prepare_baseline(&live.model, &opts, local, &target.stand_ins).await),
            false => None,
        };
        Ok::<_, miette::Report>((live, baseline))
    };
    let (read, normalized) = tokio::join!(
        read,
        crate::normalize::normalize_for(cfg, &opts, local, &target)
    );
    let (live, baseline) = read?;
    let baseline = match (baseline.transpose(), normalized) {
        (Ok(b), Ok(n)) => (b, n),
        (Ok(b), Err(e)) => {
            if let Some(b) = b {
                b.discard().await;
            }
            return Err(e.into());
        }
        (Err(e), _) => return Err(e),
    };
    let (baseline, normalized) = baseline;
    let warning = version_warning(normalized.server_version_num, live.server_version_num);
    let mut planned = plan_against(
        &client,
        PlanRequest {
            environment,
            config_hash: &cfg.hash,
            desired: normalized.model,
            raw_desired: &cfg.model,
            live,
            state,
            own_everything: false,
        },
    )
    .await;
    planned.version_warning = warning;
    planned.stand_ins = target.stand_ins;
    Ok((planned, baseline))
}

/// The warning when the dev server's major version (`server_version_num`) differs from
/// the target's: Postgres prints expressions its own way per version.
pub fn version_warning(dev: i32, target: i32) -> Option<String> {
    let (d, t) = (dev / 10000, target / 10000);
    (d != t).then(|| {
        format!(
            "the dev database runs PostgreSQL {d} but the target runs {t}: expressions are normalised by the dev server's version, so some may show as changes; pass --dev-url a PostgreSQL {t} server to match"
        )
    })
}

/// Whether `address` is one of `targets` or inside one (`table.public.a.column.b` is inside
/// `table.public.a`).
pub fn targeted(address: &str, targets: &[String]) -> bool {
    targets.iter().any(|t| {
        address == t
            || address
                .strip_prefix(t.as_str())
                .is_some_and(|rest| rest.starts_with('.'))
    })
}

/// Keep only the steps for `targets` (address prefixes) and what they depend on, and
/// record the targets in the plan (its rehearsal and the state after it concern only them).
pub fn restrict(plan: &mut Plan, targets: &[String]) {
    if targets.is_empty() {
        return;
    }
    plan.targets = targets.to_vec();
    let mut keep: BTreeSet<String> = plan
        .steps
        .iter()
        .filter(|s| targeted(&s.address, targets))
        .map(|s| s.address.clone())
        .collect();
    loop {
        let more: BTreeSet<String> = plan
            .steps
            .iter()
            .filter(|s| keep.contains(&s.address))
            .flat_map(|s| s.depends_on.iter().cloned())
            .filter(|a| !keep.contains(a))
            .collect();
        if more.is_empty() {
            break;
        }
        keep.extend(more);
    }
    plan.steps.retain(|s| keep.contains(&s.address));
}

async fn current_user(client: &tokio_postgres::Client) -> String {
    if let Ok(msgs) = client.simple_query("SELECT current_user").await {
        for m in msgs {
            if let tokio_postgres::SimpleQueryMessage::Row(r) = m {
                if let Some(u) = r.get(0) {
                    return u.to_string();
                }
            }
        }
    }
    "postgres".to_string()
}

/// The grants Postgres itself gives an object `user` creates, by the target's default
/// privileges: a new table or function receives them without a statement of the plan.
pub fn implied_grants(live: &Model, desired: &Model, user: &str) -> Vec<crate::model::Grant> {
    use crate::model::{DefaultPrivilegeOn, Grant, GrantTarget};
    let managed = |r: &str| desired.project.managed_roles.iter().any(|m| m == r);
    // The default privileges in force when the plan creates its objects: the target's,
    // with the configuration's blocks in their place (the plan alters those first).
    let key = |d: &crate::model::DefaultPrivilege| {
        (d.owner.clone(), d.schema.clone(), d.on, d.role.clone())
    };
    let declared: std::collections::BTreeSet<_> =
        desired.default_privileges.iter().map(key).collect();
    let effective: Vec<&crate::model::DefaultPrivilege> = live
        .default_privileges
        .iter()
        .filter(|d| !declared.contains(&key(d)))
        .chain(
            desired
                .default_privileges
                .iter()
                .filter(|d| !d.privileges.is_empty()),
        )
        .collect();
    let applies = |on: DefaultPrivilegeOn, schema: &str| -> Vec<&crate::model::DefaultPrivilege> {
        effective
            .iter()
            .copied()
            .filter(|d| {
                d.on == on
                    && d.owner == user
                    && d.schema.as_deref().is_none_or(|s| s == schema)
                    && managed(&d.role)
            })
            .collect()
    };
    let mut out = Vec::new();
    let new_relations = desired
        .tables
        .keys()
        .filter(|q| !live.tables.contains_key(*q))
        .chain(
            desired
                .views
                .keys()
                .filter(|q| !live.views.contains_key(*q)),
        );
    for q in new_relations {
        for d in applies(DefaultPrivilegeOn::Tables, &q.schema) {
            out.push(Grant {
                target: GrantTarget::Table(q.clone()),
                role: d.role.clone(),
                privileges: d.privileges.clone(),
                columns: vec![],
                grantable: vec![],
            });
        }
    }
    for q in desired
        .functions
        .keys()
        .filter(|q| !live.functions.contains_key(*q))
    {
        // Executable by PUBLIC by Postgres' built-in default, unless the creator's defaults
        // for every schema (read from the target) say otherwise: `ALTER DEFAULT PRIVILEGES
        // REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC`, which security-minded projects run.
        let everywhere: Vec<&&crate::model::DefaultPrivilege> = effective
            .iter()
            .filter(|d| {
                d.owner == user && d.schema.is_none() && d.on == DefaultPrivilegeOn::Functions
            })
            .collect();
        let public = if everywhere.is_empty() && user != "postgres" {
            true
        } else {
            everywhere
                .iter()
                .any(|d| d.role == "public" && d.privileges.iter().any(|p| p == "EXECUTE"))
        };
        if public {
            out.push(Grant {
                target: GrantTarget::Function(q.clone()),
                role: "public".into(),
                privileges: vec!["EXECUTE".into()],
                columns: vec![],
                grantable: vec![],
            });
        }
        for d in applies(DefaultPrivilegeOn::Functions, &q.schema) {
            out.push(Grant {
                target: GrantTarget::Function(q.clone()),
                role: d.role.clone(),
                privileges: d.privileges.clone(),
                columns: vec![],
                grantable: vec![],
            });
        }
    }
    out
}

/// The L3xx findings. Exposure rules read the normalised model (which holds the grants the
/// target's default privileges give, the way Supabase exposes every new table); L303 reads
/// only the grants the config declares, since Supabase's broad default grants are meant to
/// be narrowed by policies, not matched by them.
pub fn findings(normalized: &Model, raw: &Model) -> Vec<crate::lint::Finding> {
    use crate::lint::Rule;
    let opts = LintOptions::default();
    let mut out = lint_rules(normalized, &opts, |r| r != Rule::L303);
    out.extend(lint_rules(raw, &opts, |r| r == Rule::L303));
    out.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then(a.rule.cmp(&b.rule))
            .then(a.address.cmp(&b.address))
    });
    out
}

/// `supaform diff`: the steps that make the database behind `from_client` (read as `from`)
/// equal `to`. `to` is the whole desired state, so every object of `from` counts as owned
/// and one found only there is planned as a drop. No dev database: both sides were read by
/// the same introspector and are already in Postgres' spelling. The findings run on `to`.
pub async fn plan_between(
    from_client: &tokio_postgres::Client,
    environment: &str,
    from: Live,
    to: Live,
) -> Planned {
    let declared = without_default_grants(&to.model);
    let to_hash = fingerprint(&to.model);
    plan_against(
        from_client,
        PlanRequest {
            environment,
            config_hash: &to_hash,
            desired: to.model,
            raw_desired: &declared,
            live: from,
            state: &StateView::default(),
            own_everything: true,
        },
    )
    .await
}

/// `m` without the table grants its default privileges give every new table (Supabase's
/// broad grants to the API roles): what a database holds beyond them was granted on
/// purpose, the counterpart of the grants a config declares (read by L303).
pub fn without_default_grants(m: &Model) -> Model {
    use crate::model::{DefaultPrivilegeOn, GrantTarget};
    let mut out = m.clone();
    out.grants.retain(|g| {
        let GrantTarget::Table(q) = &g.target else {
            return true;
        };
        !g.columns.is_empty()
            || !m.default_privileges.iter().any(|d| {
                d.on == DefaultPrivilegeOn::Tables
                    && d.role == g.role
                    && d.schema.as_deref().is_none_or(|s| s == q.schema)
                    && d.privileges == g.privileges
            })
    });
    out
}

/// The outcome of a rehearsal.
#[derive(Debug, Clone, PartialEq)]
pub enum Rehearsal {
    /// The plan ran on a copy of the live schema and the result equals the desired state.
    Passed,
    /// The live schema could not be reproduced in a scratch database (so the rehearsal
    /// proves nothing); why.
    Skipped(String),
}

impl Rehearsal {
    /// The line `plan` and `apply` print; a plan restricted by `--target` names the
    /// addresses whose convergence was checked.
    pub fn message(&self, targets: &[String]) -> String {
        match (self, targets.is_empty()) {
            (Rehearsal::Passed, true) => {
                "Rehearsed on a scratch copy of the live schema: the plan applies and converges."
                    .to_string()
            }
            (Rehearsal::Passed, false) => format!(
                "Rehearsed on a scratch copy of the live schema, for the targets only: the plan applies and its targets converge ({}); the rest of the configuration was not checked.",
                targets.join(", ")
            ),
            (Rehearsal::Skipped(why), _) => format!("Rehearsal skipped: {why}."),
        }
    }
}

#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum RehearsalError {
    #[error("the plan fails when rehearsed on a copy of the live schema: {0}")]
    #[diagnostic(
        code(supaform::plan::rehearsal_failed),
        help("nothing was changed on the target; fix the configuration (or report the plan as a supaform bug), or skip the rehearsal with --no-rehearse")
    )]
    Failed(String),
    #[error("the plan does not converge: after rehearsing it, {} object(s) still differ: {}", .0.len(), .0.join(", "))]
    #[diagnostic(
        code(supaform::plan::rehearsal_diverges),
        help("applying this plan would leave a difference behind; please report it as a supaform bug")
    )]
    Diverges(Vec<String>),
}

/// A scratch database of the embedded Postgres holding the live schema, rebuilt: where a
/// plan is rehearsed. Prepared by [`plan_config_prepared`] while the configuration is
/// normalised, or by [`rehearse_with`] when needed. Its database is dropped by
/// [`rehearse_with`] or [`Baseline::discard`].
pub struct Baseline {
    inst: crate::local::DevServer,
    name: String,
    client: tokio_postgres::Client,
    /// Why the rehearsal proves nothing on this copy (the live schema could not be
    /// rebuilt faithfully), or `None` when it is ready.
    skip: Option<String>,
}

impl Baseline {
    /// The scratch database's name.
    pub fn database(&self) -> &str {
        &self.name
    }

    /// Drop the scratch database unused.
    pub async fn discard(self) {
        drop(self.client);
        let _ = self.inst.drop_database(&self.name).await;
    }
}

/// Create a scratch database and rebuild `live`'s schema in it (DDL in one transaction),
/// then check it reads back equal to `live`.
pub async fn prepare_baseline(
    live: &Model,
    opts: &IntrospectOptions,
    local: &crate::local::LocalOptions,
    stand_ins: &[String],
) -> miette::Result<Baseline> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    let inst = crate::local::dev_server(local).await?;
    let name = format!(
        "supaform_rehearse_{}_{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    );
    let url = inst.create_scratch_database(&name).await?;
    let client = match crate::db::connect(&url).await {
        Ok(c) => c,
        Err(e) => {
            let _ = inst.drop_database(&name).await;
            return Err(e.into());
        }
    };
    crate::introspect::platform::create(&client, stand_ins).await;
    if let Err(e) = crate::db::ensure_roles(&client, live.roles_named()).await {
        let _ = inst.drop_database(&name).await;
        return Err(RehearsalError::Failed(e.to_string()).into());
    }
    let mut baseline = Baseline {
        inst,
        name,
        client,
        skip: None,
    };
    match rebuild(&baseline.client, &db_only(live), opts).await {
        Ok(skip) => baseline.skip = skip,
        Err(e) => {
            baseline.discard().await;
            return Err(e);
        }
    }
    Ok(baseline)
}

/// The live schema, rebuilt on `client`; `Some(why)` when it cannot be rebuilt faithfully.
async fn rebuild(
    client: &tokio_postgres::Client,
    live: &Model,
    opts: &IntrospectOptions,
) -> miette::Result<Option<String>> {
    client
        .batch_execute("SET check_function_bodies = off")
        .await
        .map_err(|e| RehearsalError::Failed(e.to_string()))?;
    let statements = crate::plan::ddl::create_model_exact(live);
    let batch = format!("BEGIN;\n{}\n;\nCOMMIT;", statements.join("\n;\n"));
    if let Err(e) = client.batch_execute(&batch).await {
        let _ = client.batch_execute("ROLLBACK").await;
        return Ok(Some(format!(
            "the live schema cannot be rebuilt here ({})",
            e.as_db_error()
                .map(|d| d.message().to_string())
                .unwrap_or_else(|| e.to_string())
        )));
    }
    client
        .batch_execute("RESET check_function_bodies")
        .await
        .map_err(|e| RehearsalError::Failed(e.to_string()))?;
    let baseline = introspect(client, opts).await?;
    let mut gap = diff(live, &baseline.model, &Ownership::default());
    // What the dev server's own defaults gave the copy that the target does not have (a
    // plain PostgreSQL target has none of Supabase's grants and default privileges): the
    // privileges are brought to the target's by the planner's own steps, then checked.
    let privileges_only = gap.changes.iter().all(|c| {
        matches!(
            c,
            crate::diff::Change::Grant(_)
                | crate::diff::Change::Revoke(_)
                | crate::diff::Change::GrantDefault(_)
                | crate::diff::Change::RevokeDefault(_)
        )
    });
    if !gap.is_empty() && privileges_only {
        let rows = Default::default();
        let steps = crate::plan::build(
            &gap,
            &crate::plan::Context {
                desired: live,
                live: &baseline.model,
                rows: &rows,
            },
        );
        for sql in steps.iter().flat_map(|s| &s.sql) {
            if let Err(e) = client.batch_execute(sql).await {
                return Ok(Some(format!(
                    "the live privileges cannot be reproduced here ({})",
                    e.as_db_error()
                        .map(|d| d.message().to_string())
                        .unwrap_or_else(|| e.to_string())
                )));
            }
        }
        let again = introspect(client, opts).await?;
        gap = diff(live, &again.model, &Ownership::default());
    }
    if !gap.is_empty() {
        let some: Vec<String> = gap
            .changes
            .iter()
            .take(5)
            .map(|c| c.address().to_string())
            .collect();
        return Ok(Some(format!(
            "the scratch copy differs from live in {} object(s), e.g. {}",
            gap.changes.len(),
            some.join(", ")
        )));
    }
    Ok(None)
}

/// Rebuild the live schema in a scratch database of the embedded Postgres, run the plan's
/// database phases there, and check the result equals the desired state.
pub async fn rehearse(
    planned: &Planned,
    local: &crate::local::LocalOptions,
) -> miette::Result<Rehearsal> {
    rehearse_with(None, planned, local).await
}

/// [`rehearse`] on `baseline` when one was prepared for this live schema (it is consumed:
/// its database is dropped either way).
pub async fn rehearse_with(
    baseline: Option<Baseline>,
    planned: &Planned,
    local: &crate::local::LocalOptions,
) -> miette::Result<Rehearsal> {
    let db_steps = planned
        .plan
        .steps
        .iter()
        .any(|s| s.phase != crate::plan::Phase::Functions);
    if !db_steps {
        if let Some(b) = baseline {
            b.discard().await;
        }
        return Ok(Rehearsal::Passed);
    }
    let baseline = match baseline {
        Some(b) => b,
        None => {
            let opts = introspect_options(&planned.desired);
            prepare_baseline(&planned.live.model, &opts, local, &planned.stand_ins).await?
        }
    };
    let result = match &baseline.skip {
        Some(why) => Ok(Rehearsal::Skipped(why.clone())),
        None => run_rehearsal(&baseline.client, planned).await,
    };
    baseline.discard().await;
    result
}

fn db_only(m: &Model) -> Model {
    let mut m = m.clone();
    m.secrets.clear();
    m.edge_functions.clear();
    m
}

/// The addresses where `after` (the database once a plan ran) still differs from the
/// desired state, under the plan's ownership: an owned object it should have dropped
/// counts. A plan restricted by `--target` answers only for its `targets`.
pub fn remaining(
    desired: &Model,
    ownership: &Ownership,
    targets: &[String],
    after: &Model,
) -> Vec<String> {
    diff(&db_only(desired), after, ownership)
        .changes
        .iter()
        .map(|c| c.address().to_string())
        .filter(|a| targets.is_empty() || targeted(a, targets))
        .collect()
}

/// Run the plan on a baseline and compare the result with the desired state.
async fn run_rehearsal(
    client: &tokio_postgres::Client,
    planned: &Planned,
) -> miette::Result<Rehearsal> {
    let opts = introspect_options(&planned.desired);
    // The plan, as apply runs it: the pre phase statement by statement, the transaction
    // phase in one round trip (re-run step by step only to name a failing step), then the
    // validated constraints and the concurrent builds.
    use crate::plan::Phase;
    let sql_of = |phase: Phase| -> Vec<String> {
        planned
            .plan
            .phase(phase)
            .flat_map(|s| s.sql.iter().cloned())
            .collect()
    };
    let mut fast = true;
    for stmt in sql_of(Phase::Pre) {
        if client.batch_execute(&stmt).await.is_err() {
            fast = false;
            break;
        }
    }
    let tx = sql_of(Phase::Transaction);
    if fast && !tx.is_empty() {
        let batch = format!(
            "BEGIN;\nSET LOCAL check_function_bodies = off;\n{}\n;\nCOMMIT;",
            tx.join("\n;\n")
        );
        if client.batch_execute(&batch).await.is_err() {
            let _ = client.batch_execute("ROLLBACK").await;
            fast = false;
        }
    }
    if fast {
        let later = [Phase::Validate, Phase::Concurrent];
        for stmt in later.into_iter().flat_map(sql_of) {
            if let Err(e) = client.batch_execute(&stmt).await {
                return Err(RehearsalError::Failed(e.to_string()).into());
            }
        }
    } else {
        let mut ignore = |_e: crate::apply::exec::Event| {};
        crate::apply::exec::run(
            client,
            &planned.plan,
            &crate::apply::exec::ExecOptions::default(),
            &mut ignore,
            || async { Ok(()) },
        )
        .await
        .map_err(|e| RehearsalError::Failed(e.to_string()))?;
    }
    let after = introspect(client, &opts).await?;
    let remaining = remaining(
        &planned.desired,
        &planned.ownership,
        &planned.plan.targets,
        &after.model,
    );
    if !remaining.is_empty() {
        return Err(RehearsalError::Diverges(remaining).into());
    }
    Ok(Rehearsal::Passed)
}

/// Add the Edge Function and secret steps: read what the target holds (the Management
/// API, or a functions directory), hash the local sources and secret values, compare with
/// what the state recorded. Returns the target, or `None` when the project has neither
/// Edge Functions nor secrets (declared or owned).
pub async fn plan_functions(
    planned: &mut Planned,
    cfg: &Config,
    env: &crate::model::Environment,
    state: &StateView,
) -> miette::Result<Option<crate::functions::Target>> {
    use crate::diff::functions::{Local, Remote};
    let owned_api = state
        .owned
        .iter()
        .any(|a| a.starts_with("edge_function.") || a.starts_with("secret."));
    if cfg.model.edge_functions.is_empty() && cfg.model.secrets.is_empty() && !owned_api {
        return Ok(None);
    }
    let target = crate::functions::Target::for_environment(env, &cfg.dir)?;
    let (functions, secrets) = tokio::join!(target.list_functions(), target.list_secrets());
    let remote = Remote {
        functions: functions?,
        secrets: secrets?,
    };
    let mut local = Local::default();
    for (slug, f) in &cfg.model.edge_functions {
        local
            .source_hashes
            .insert(slug.clone(), crate::functions::source_hash(&cfg.dir, f)?);
    }
    for (name, s) in &cfg.model.secrets {
        local.secret_digests.insert(
            name.clone(),
            s.value
                .as_ref()
                .map(|v| crate::functions::secret_digest(v.expose())),
        );
    }
    let own = Ownership {
        owned: state.owned.clone(),
        own_everything: false,
        ..Default::default()
    };
    let fd =
        crate::diff::functions::diff(&planned.desired, &local, &remote, &state.functions, &own);
    let d = Diff {
        changes: fd.changes,
        ..Default::default()
    };
    let steps = build(
        &d,
        &Context {
            desired: &planned.desired,
            live: &planned.live.model,
            rows: &Rows::new(),
        },
    );
    planned.plan.steps.extend(steps);
    planned
        .plan
        .hints
        .extend(fd.hints.iter().map(PlanHint::from));
    planned
        .plan
        .unmanaged
        .extend(fd.unmanaged.iter().map(|a| a.to_string()));
    Ok(Some(target))
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_different_major_version_warns_and_names_the_target_version() {
        assert_eq!(super::version_warning(150018, 150001), None);
        let w = super::version_warning(150018, 170004).expect("a warning");
        assert!(w.contains("PostgreSQL 15 but the target runs 17"), "{w}");
        assert!(w.contains("--dev-url a PostgreSQL 17 server"), "{w}");
    }
}
