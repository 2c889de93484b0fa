//! `supaform state list|show|rm|unprotect|pull|push`: read and edit an environment's state.
//!
//! Every command runs under the state's lock: the file lock for `state/<env>.json`, or the
//! row lock of `supaform.state` (inside one transaction) with `state = "database"`.
//! Nothing here touches the managed objects themselves.

use super::Cli;
use crate::state::{Backend, DatabaseBackend, FileBackend, State, StateError};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Environment whose state to use (`local` is the embedded Postgres).
    #[arg(
        short = 'e',
        long = "env",
        value_name = "ENV",
        default_value = crate::cli::target::DEFAULT_ENV,
        global = true
    )]
    pub env: String,

    /// Seconds to wait while another supaform command holds the state's lock.
    #[arg(long, value_name = "SECONDS", default_value_t = 30, global = true)]
    pub lock_timeout: u64,

    #[command(subcommand)]
    pub action: Action,
}

#[derive(Debug, Clone, clap::Subcommand)]
pub enum Action {
    /// List the addresses of the managed objects, one per line.
    List,
    /// Print one resource of the state as JSON.
    Show {
        /// Address, e.g. table.public.profiles.
        address: String,
    },
    /// Stop managing objects: forget them without touching the database.
    Rm {
        /// Addresses to forget.
        #[arg(required = true)]
        addresses: Vec<String>,
        /// Also forget objects protected by prevent_destroy.
        #[arg(long)]
        force: bool,
    },
    /// Lift the prevent_destroy protection the state remembers for objects.
    Unprotect {
        #[arg(required = true)]
        addresses: Vec<String>,
    },
    /// Print the whole state as JSON.
    Pull,
    /// Replace the state with FILE (refused for another lineage or a serial not newer than
    /// the current one, unless --force).
    Push {
        file: PathBuf,
        /// Replace the state even when FILE has another lineage, environment or an older
        /// serial, or the current state cannot be read.
        #[arg(long)]
        force: bool,
    },
}

impl Action {
    fn writes(&self) -> bool {
        matches!(
            self,
            Action::Rm { .. } | Action::Unprotect { .. } | Action::Push { .. }
        )
    }
}

/// What one command decided: text for stdout, and the state to write (forced or checked).
struct Outcome {
    stdout: String,
    /// A remark for stderr (not an error).
    note: Option<String>,
    write: Option<(State, bool)>,
}

pub fn run(cli: &Cli, args: &Args) -> miette::Result<ExitCode> {
    let cfg = super::load_config(cli)?;
    let env = super::target::environment(&cfg, Some(&args.env))?;
    let wait = Duration::from_secs(args.lock_timeout);
    let pushed = match &args.action {
        Action::Push { file, .. } => Some(read_pushed(file)?),
        _ => None,
    };
    let outcome = match Backend::for_environment(&cfg.dir, &env)? {
        Backend::File(f) => with_file(&f, args, wait, pushed)?,
        Backend::Database(d) => {
            let rt = super::runtime()?;
            rt.block_on(with_database(&d, env, args, wait, pushed))?
        }
    };
    if let Some(n) = &outcome.note {
        eprintln!("{n}");
    }
    print!("{}", outcome.stdout);
    Ok(ExitCode::SUCCESS)
}

fn read_pushed(file: &std::path::Path) -> Result<State, StateError> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| StateError::io(format!("could not read {}", file.display()), e))?;
    State::parse(&text, &file.display().to_string())
}

fn with_file(
    f: &FileBackend,
    args: &Args,
    wait: Duration,
    pushed: Option<State>,
) -> Result<Outcome, StateError> {
    let _lock = f.lock(wait)?;
    let current = load_current(f.load(), &args.action)?;
    let outcome = decide(&args.action, &args.env, &f.describe(), current, pushed)?;
    if let Some((s, forced)) = &outcome.write {
        if *forced {
            f.save_forced(s)?;
        } else {
            f.save(s)?;
        }
    }
    Ok(outcome)
}

async fn with_database(
    d: &DatabaseBackend,
    env: crate::model::Environment,
    args: &Args,
    wait: Duration,
    pushed: Option<State>,
) -> miette::Result<Outcome> {
    let target = super::target::resolve(env).await?;
    let mut client = crate::db::connect(&target.url).await?;
    let err = |what: &str, e: tokio_postgres::Error| StateError::Database {
        what: format!("{what} ({})", target.redacted),
        reason: e
            .as_db_error()
            .map_or_else(|| e.to_string(), |d| d.message().to_string()),
    };
    let tx = client
        .transaction()
        .await
        .map_err(|e| err("could not start a transaction", e))?;
    let ms = wait.as_millis().to_string();
    tx.batch_execute(&format!(
        "SET LOCAL lock_timeout = {}",
        crate::quote::literal(&ms)
    ))
    .await
    .map_err(|e| err("could not set lock_timeout", e))?;
    let work = async {
        let loaded = if args.action.writes() {
            d.load_for_update(&tx).await
        } else {
            d.load(&tx).await
        };
        let current = load_current(loaded, &args.action)?;
        let outcome = decide(&args.action, &args.env, &d.describe(), current, pushed)?;
        if let Some((s, forced)) = &outcome.write {
            if *forced {
                d.save_forced_in(&tx, s).await?;
            } else {
                d.save_in(&tx, s).await?;
            }
        }
        Ok::<Outcome, StateError>(outcome)
    };
    let outcome = match work.await {
        Ok(o) => o,
        Err(StateError::Locked { .. }) => {
            // Name the session holding the row, from outside the failed transaction.
            let _ = tx.rollback().await;
            let holder = DatabaseBackend::holder(&client)
                .await
                .unwrap_or_else(|| "another session (it has finished meanwhile)".into());
            return Err(StateError::Locked {
                path: d.describe(),
                holder,
                waited: format!("waited {} s", wait.as_secs()),
            }
            .into());
        }
        Err(e) => return Err(e.into()),
    };
    tx.commit()
        .await
        .map_err(|e| err("could not commit the state", e))?;
    Ok(outcome)
}

/// The current state; `push --force` may replace one that cannot be read.
fn load_current(
    loaded: Result<Option<State>, StateError>,
    action: &Action,
) -> Result<Option<State>, StateError> {
    match (loaded, action) {
        (
            Err(
                StateError::Corrupt { .. }
                | StateError::Invalid { .. }
                | StateError::NewerFormat { .. },
            ),
            Action::Push { force: true, .. },
        ) => Ok(None),
        (r, _) => r,
    }
}

/// The command's effect on `current` (pure: no I/O).
fn decide(
    action: &Action,
    env: &str,
    location: &str,
    current: Option<State>,
    pushed: Option<State>,
) -> Result<Outcome, StateError> {
    let none = || StateError::NoState {
        env: env.to_string(),
        location: location.to_string(),
    };
    let read = |stdout: String| Outcome {
        stdout,
        note: None,
        write: None,
    };
    match action {
        Action::List => Ok(match current {
            Some(s) => read(s.resources.keys().map(|k| format!("{k}\n")).collect()),
            None => Outcome {
                note: Some(format!(
                    "Environment `{env}` has no state yet ({location}): nothing is managed."
                )),
                ..read(String::new())
            },
        }),
        Action::Show { address } => {
            let s = current.ok_or_else(none)?;
            let r = resource(&s, env, address)?;
            Ok(read(
                serde_json::to_string_pretty(r).unwrap_or_default() + "\n",
            ))
        }
        Action::Pull => Ok(read(current.ok_or_else(none)?.to_json())),
        Action::Rm { addresses, force } => {
            let mut s = current.ok_or_else(none)?;
            for a in addresses {
                resource(&s, env, a)?;
            }
            let protected: Vec<String> = addresses
                .iter()
                .filter(|a| s.resources[a.as_str()].prevent_destroy)
                .cloned()
                .collect();
            if !protected.is_empty() && !force {
                return Err(StateError::Protected {
                    addresses: protected,
                });
            }
            let mut out = String::new();
            for a in addresses {
                if s.resources.remove(a.as_str()).is_some() {
                    let note = if protected.contains(a) {
                        " (its prevent_destroy protection is forgotten)"
                    } else {
                        ""
                    };
                    out.push_str(&format!("Removed {a} from the state{note}.\n"));
                }
            }
            bump(&mut s);
            out.push_str(&format!(
                "State of `{env}` is now serial {} ({location}). The objects themselves are untouched: \
                 supaform no longer manages them (drift reports them as unmanaged; they are never dropped).\n",
                s.serial
            ));
            Ok(Outcome {
                stdout: out,
                note: None,
                write: Some((s, false)),
            })
        }
        Action::Unprotect { addresses } => {
            let mut s = current.ok_or_else(none)?;
            for a in addresses {
                resource(&s, env, a)?;
            }
            let mut out = String::new();
            for a in addresses {
                if let Some(r) = s.resources.get_mut(a.as_str()) {
                    if r.prevent_destroy {
                        r.prevent_destroy = false;
                        out.push_str(&format!("Lifted prevent_destroy from {a}.\n"));
                    } else {
                        out.push_str(&format!("{a} was not protected.\n"));
                    }
                }
            }
            bump(&mut s);
            out.push_str(&format!(
                "State of `{env}` is now serial {} ({location}). A configuration that still declares \
                 `lifecycle {{ prevent_destroy = true }}` protects it again at the next apply.\n",
                s.serial
            ));
            Ok(Outcome {
                stdout: out,
                note: None,
                write: Some((s, false)),
            })
        }
        Action::Push { file, force } => {
            let file = file.display().to_string();
            let mut p = pushed.ok_or_else(|| StateError::NoState {
                env: env.to_string(),
                location: file.clone(),
            })?;
            if p.environment != env {
                if !force {
                    return Err(StateError::WrongEnvironment {
                        file,
                        env: env.to_string(),
                        pushed: p.environment,
                    });
                }
                p.environment = env.to_string();
            }
            let forced = *force;
            if let Some(cur) = &current {
                if cur.lineage != p.lineage && !force {
                    return Err(StateError::LineageMismatch {
                        file,
                        current: cur.lineage.clone(),
                        pushed: p.lineage,
                    });
                }
                if p.serial <= cur.serial {
                    if !force {
                        return Err(StateError::StaleSerial {
                            file,
                            current: cur.serial,
                            pushed: p.serial,
                        });
                    }
                    // A serial the environment has seen before would let a plan saved
                    // against that older state look fresh: move past the current one.
                    p.serial = cur.serial + 1;
                }
            }
            let out = format!(
                "Pushed {file} to {location}: lineage {}, serial {}, {} resources.\n",
                p.lineage,
                p.serial,
                p.resources.len()
            );
            Ok(Outcome {
                stdout: out,
                note: None,
                write: Some((p, forced)),
            })
        }
    }
}

fn resource<'a>(
    s: &'a State,
    env: &str,
    address: &str,
) -> Result<&'a crate::state::Resource, StateError> {
    s.resources.get(address).ok_or_else(|| {
        let hint = crate::config::eval::suggest(address, s.resources.keys().map(String::as_str))
            .map(|c| format!("did you mean `{c}`? "))
            .unwrap_or_default();
        StateError::NoSuchResource {
            env: env.to_string(),
            address: address.to_string(),
            help: format!("{hint}`supaform state list -e {env}` shows every address"),
        }
    })
}

fn bump(s: &mut State) {
    s.serial += 1;
    s.supaform_version = env!("CARGO_PKG_VERSION").to_string();
}
