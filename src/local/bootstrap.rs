//! The SQL that makes a plain cluster look like a Supabase project, and its idempotent
//! application. Definitions follow Supabase's own migrations (supabase/postgres
//! `migrations/db/init-scripts`, supabase/auth `migrations/*_recreate_auth_functions`,
//! supabase/storage `migrations/tenant/0002-storage-schema.sql`), reduced to what a
//! schema, its policies and grants can reference.

use super::{connect, Instance, LocalError, LOCAL_DATABASE, TEMPLATE_DATABASE};
use crate::local::error::pg_message;
use crate::quote;

/// Cluster-wide: the API roles, created when missing. Safe to run again; on a dev server
/// of the user's (`--dev-url`) only this part runs, so existing roles are left as they are.
pub const API_ROLES_SQL: &str = include_str!("platform/roles.sql");

/// The local server's roles as Supabase has them (run after [`API_ROLES_SQL`]).
const ROLES_REPAIR_SQL: &str = r#"
alter role anon nologin noinherit;
alter role authenticated nologin noinherit;
alter role service_role nologin noinherit bypassrls;
alter role authenticator login noinherit;
grant anon, authenticated, service_role to authenticator;
alter role postgres set search_path to "$user", public, extensions;
"#;

/// Per database: schemas, extensions, `auth`, `storage`, grants and default privileges.
/// Runs in the template database, in one transaction.
pub const TEMPLATE_SQL: &str = concat!(
    include_str!("platform/base.sql"),
    include_str!("standins/supabase_platform_graphql.sql"),
    include_str!("platform/extensions.sql"),
    include_str!("platform/auth.sql"),
    include_str!("platform/storage.sql"),
    include_str!("platform/realtime.sql"),
    include_str!("platform/supabase_functions.sql"),
);

/// The extensions [`TEMPLATE_SQL`] installs when the server offers them.
const OPTIONAL_EXTENSIONS: &str = "ARRAY['pg_stat_statements', 'supabase_vault', 'pg_graphql']";

/// Which of the optional platform extensions the server offers, e.g.
/// `pg_graphql,pg_stat_statements,supabase_vault`: part of the template's marker, so a
/// template built while the server lacked one is rebuilt once it has it.
pub(crate) async fn offered_extensions(
    client: &tokio_postgres::Client,
) -> Result<String, tokio_postgres::Error> {
    let row = client
        .query_one(
            &format!(
                "select coalesce(string_agg(name, ',' order by name), '') from pg_catalog.pg_available_extensions where name = any ({OPTIONAL_EXTENSIONS})"
            ),
            &[],
        )
        .await?;
    Ok(row.get(0))
}

/// Written as the template database's comment once the bootstrap completed; a different
/// value (older SQL, other extensions offered, or an interrupted bootstrap) makes the next
/// start rebuild the template.
pub fn marker(offered: &str) -> String {
    let mut h = blake3::Hasher::new();
    h.update(offered.as_bytes());
    h.update(API_ROLES_SQL.as_bytes());
    h.update(ROLES_REPAIR_SQL.as_bytes());
    h.update(TEMPLATE_SQL.as_bytes());
    let hex = h.finalize().to_hex();
    format!("supaform bootstrap {}", &hex[..16])
}

/// Make sure the roles, the template database and the `local` database exist and are
/// current. Cheap when they are (one query). Callers hold the start lock.
pub(crate) async fn ensure(inst: &Instance) -> Result<(), LocalError> {
    let client = connect(inst.port, "postgres").await?;
    let offered = offered_extensions(&client)
        .await
        .map_err(|e| LocalError::sql("reading the available extensions", &e))?;
    let marker = marker(&offered);
    let current = template_marker(&client, TEMPLATE_DATABASE)
        .await
        .map_err(|e| LocalError::sql("reading the template database", &e))?;
    if current.as_deref() != Some(marker.as_str()) {
        let roles = format!("{API_ROLES_SQL}\n{ROLES_REPAIR_SQL}");
        let bootstrap_err = |_: &'static str, e: tokio_postgres::Error| LocalError::Bootstrap {
            message: pg_message(&e),
        };
        let template = Template {
            name: TEMPLATE_DATABASE,
            roles_sql: &roles,
            is_template: true,
            marker: &marker,
        };
        build_template(
            &client,
            &template,
            || connect(inst.port, TEMPLATE_DATABASE),
            bootstrap_err,
        )
        .await?;
    }
    let has_local = exists(&client, LOCAL_DATABASE)
        .await
        .map_err(|e| LocalError::sql("looking for the local database", &e))?;
    if !has_local {
        inst.create_database(LOCAL_DATABASE).await?;
    }
    Ok(())
}

/// The bootstrap marker on the template database `name` (its comment), if it exists.
pub(crate) async fn template_marker(
    client: &tokio_postgres::Client,
    name: &str,
) -> Result<Option<String>, tokio_postgres::Error> {
    Ok(client
        .query_opt(
            "select pg_catalog.shobj_description(oid, 'pg_database') from pg_catalog.pg_database where datname = $1",
            &[&name],
        )
        .await?
        .and_then(|row| row.get::<_, Option<String>>(0)))
}

/// A template database to build: the embedded server's, or supaform's own on a dev server
/// of the user's.
pub(crate) struct Template<'a> {
    pub name: &'a str,
    /// Cluster-wide role statements run first.
    pub roles_sql: &'a str,
    /// Mark it `is_template` (the embedded server, where supaform is superuser).
    pub is_template: bool,
    /// [`marker`] of the server it is built on.
    pub marker: &'a str,
}

/// Build `template` afresh: its roles, the database from `template0` (an older one is
/// dropped), [`TEMPLATE_SQL`] in one transaction through `connect`, then the marker. Each
/// failing step goes through `err` with its name.
pub(crate) async fn build_template<C, F>(
    client: &tokio_postgres::Client,
    template: &Template<'_>,
    connect: C,
    err: impl Fn(&'static str, tokio_postgres::Error) -> LocalError,
) -> Result<(), LocalError>
where
    C: FnOnce() -> F,
    F: std::future::Future<Output = Result<tokio_postgres::Client, LocalError>>,
{
    let tpl = quote::ident(template.name);
    client
        .batch_execute(template.roles_sql)
        .await
        .map_err(|e| err("creating the API roles", e))?;
    if exists(client, template.name)
        .await
        .map_err(|e| err("reading the template database", e))?
    {
        // One statement per call: several in one would form an implicit transaction,
        // which DROP DATABASE refuses.
        for sql in [
            format!("alter database {tpl} is_template false"),
            format!("drop database {tpl} with (force)"),
        ] {
            client
                .batch_execute(&sql)
                .await
                .map_err(|e| err("dropping the old template database", e))?;
        }
    }
    client
        .batch_execute(&format!("create database {tpl} template template0"))
        .await
        .map_err(|e| err("creating the template database", e))?;
    {
        let t = connect().await?;
        t.batch_execute(&format!("begin;\n{TEMPLATE_SQL}\ncommit;"))
            .await
            .map_err(|e| {
                err(
                    "bootstrapping the template database (the extensions pgcrypto and uuid-ossp must be available)",
                    e,
                )
            })?;
    }
    let mark = if template.is_template {
        format!("alter database {tpl} is_template true; ")
    } else {
        String::new()
    };
    client
        .batch_execute(&format!(
            "{mark}comment on database {tpl} is {}",
            quote::literal(template.marker)
        ))
        .await
        .map_err(|e| err("marking the template database", e))
}

async fn exists(
    client: &tokio_postgres::Client,
    name: &str,
) -> Result<bool, tokio_postgres::Error> {
    Ok(client
        .query_opt(
            "select 1 from pg_catalog.pg_database where datname = $1",
            &[&name],
        )
        .await?
        .is_some())
}
