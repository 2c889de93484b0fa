//! `supaform apply --refresh-only`: accept what is live into the state, as Terraform's
//! does. The state's fingerprints and attributes of owned objects become the live ones,
//! owned objects gone from live leave the state, Edge Function versions and bundle
//! digests are recorded. Nothing is changed on the database or the API: only read.

use crate::drift::RemoteView;
use crate::report::drift::{outside_changes, Style};
use crate::state::{Backend, State};
use std::process::ExitCode;

/// The state with what is live accepted (serial not yet bumped). Pure.
pub fn refreshed(prev: &State, live: &crate::model::Model, remote: Option<&RemoteView>) -> State {
    let index = crate::drift::LiveIndex::new(live);
    let mut next = prev.clone();
    next.resources.retain(|key, res| match res.kind.as_str() {
        "secret" => remote.is_none_or(|r| {
            let name = key.strip_prefix("secret.").unwrap_or(key);
            r.secrets.iter().any(|s| s.name == name)
        }),
        "edge_function" => {
            let Some(r) = remote else { return true };
            let slug = key.strip_prefix("edge_function.").unwrap_or(key);
            match r.functions.iter().find(|f| f.slug == slug) {
                Some(f) => {
                    res.version = Some(f.version);
                    res.ezbr_sha256 = f.ezbr_sha256.clone();
                    if f.verify_jwt.is_some() {
                        res.verify_jwt = f.verify_jwt;
                    }
                    true
                }
                None => false,
            }
        }
        _ => {
            if res.fingerprint.is_none() {
                return true;
            }
            match index.attributes(key) {
                Some(v) => {
                    res.fingerprint = Some(crate::state::fingerprint(&v));
                    res.attributes = v;
                    true
                }
                None => false,
            }
        }
    });
    next
}

/// Run the refresh under the locks `apply` holds.
pub(super) async fn run(
    cfg: &crate::config::Config,
    env: &crate::model::Environment,
    client: &tokio_postgres::Client,
    backend: &Backend,
    prev: Option<State>,
    style: crate::report::plan::Style,
) -> miette::Result<ExitCode> {
    let Some(prev) = prev else {
        println!(
            "No state for environment \"{}\" yet: there is nothing to refresh.",
            env.name
        );
        return Ok(ExitCode::SUCCESS);
    };
    let live =
        crate::introspect::introspect(client, &crate::engine::introspect_options(&cfg.model))
            .await?;
    let remote = crate::drift::remote_view(cfg, env, Some(&prev)).await?;
    let items = crate::drift::out_of_band(&prev, &live.model, remote.as_ref());
    let mut next = refreshed(&prev, &live.model, remote.as_ref());
    if next == prev {
        println!(
            "No changes outside supaform: the state of \"{}\" already matches live.",
            env.name
        );
        return Ok(ExitCode::SUCCESS);
    }
    print!("{}", outside_changes(&items, Style { color: style.color }));
    next.serial = prev.serial + 1;
    next.supaform_version = env!("CARGO_PKG_VERSION").to_string();
    save(backend, client, &next).await?;
    println!(
        "Refresh complete! The state of \"{}\" now records what is live ({} object(s) updated or released; serial {}). Nothing was changed on the target.",
        env.name,
        items.len(),
        next.serial
    );
    Ok(ExitCode::SUCCESS)
}

async fn save(
    backend: &Backend,
    client: &tokio_postgres::Client,
    next: &State,
) -> miette::Result<()> {
    match backend {
        Backend::File(f) => Ok(f.save(next)?),
        Backend::Database(d) => {
            let fail = |e: tokio_postgres::Error| miette::miette!("cannot write the state: {e}");
            client.batch_execute("BEGIN").await.map_err(fail)?;
            match d.save_in(client, next).await {
                Ok(()) => client.batch_execute("COMMIT").await.map_err(fail),
                Err(e) => {
                    let _ = client.batch_execute("ROLLBACK").await;
                    Err(e.into())
                }
            }
        }
    }
}
