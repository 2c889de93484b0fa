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
pub const API_ROLES_SQL: &str = r#"
do $$
begin
  if not exists (select from pg_catalog.pg_roles where rolname = 'anon') then
    create role anon nologin noinherit;
  end if;
  if not exists (select from pg_catalog.pg_roles where rolname = 'authenticated') then
    create role authenticated nologin noinherit;
  end if;
  if not exists (select from pg_catalog.pg_roles where rolname = 'service_role') then
    create role service_role nologin noinherit bypassrls;
  end if;
  if not exists (select from pg_catalog.pg_roles where rolname = 'authenticator') then
    create role authenticator login noinherit;
  end if;
end
$$;
"#;

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
pub const TEMPLATE_SQL: &str = r#"
create schema if not exists extensions;
create extension if not exists "uuid-ossp" with schema extensions;
create extension if not exists pgcrypto with schema extensions;
grant usage on schema extensions to postgres, anon, authenticated, service_role;

grant usage on schema public to postgres, anon, authenticated, service_role;
alter default privileges for role postgres in schema public
  grant all on tables to anon, authenticated, service_role;
alter default privileges for role postgres in schema public
  grant all on functions to anon, authenticated, service_role;
alter default privileges for role postgres in schema public
  grant all on sequences to anon, authenticated, service_role;

-- auth ----------------------------------------------------------------------------------
create schema if not exists auth;
grant usage on schema auth to anon, authenticated, service_role;

create table if not exists auth.users (
  instance_id uuid,
  id uuid not null default gen_random_uuid(),
  aud varchar(255),
  role varchar(255),
  email varchar(255),
  encrypted_password varchar(255),
  email_confirmed_at timestamptz,
  invited_at timestamptz,
  confirmation_token varchar(255),
  confirmation_sent_at timestamptz,
  recovery_token varchar(255),
  recovery_sent_at timestamptz,
  email_change varchar(255),
  email_change_sent_at timestamptz,
  last_sign_in_at timestamptz,
  raw_app_meta_data jsonb,
  raw_user_meta_data jsonb,
  is_super_admin boolean,
  created_at timestamptz default now(),
  updated_at timestamptz default now(),
  phone text default null,
  phone_confirmed_at timestamptz,
  confirmed_at timestamptz generated always as (least(email_confirmed_at, phone_confirmed_at)) stored,
  banned_until timestamptz,
  deleted_at timestamptz,
  is_sso_user boolean not null default false,
  is_anonymous boolean not null default false,
  constraint users_pkey primary key (id),
  constraint users_phone_key unique (phone)
);
create index if not exists users_instance_id_idx on auth.users (instance_id);
create unique index if not exists users_email_partial_key on auth.users (email)
  where (is_sso_user = false);
comment on table auth.users is 'Auth: Stores user login data within a secure schema.';

create or replace function auth.uid()
  returns uuid
  language sql stable
  set search_path to ''
as $$
  select
    coalesce(
      nullif(current_setting('request.jwt.claim.sub', true), ''),
      (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub')
    )::uuid
$$;

create or replace function auth.role()
  returns text
  language sql stable
  set search_path to ''
as $$
  select
    coalesce(
      nullif(current_setting('request.jwt.claim.role', true), ''),
      (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role')
    )::text
$$;

create or replace function auth.email()
  returns text
  language sql stable
  set search_path to ''
as $$
  select
    coalesce(
      nullif(current_setting('request.jwt.claim.email', true), ''),
      (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'email')
    )::text
$$;

create or replace function auth.jwt()
  returns jsonb
  language sql stable
  set search_path to ''
as $$
  select
    coalesce(
      nullif(current_setting('request.jwt.claim', true), ''),
      nullif(current_setting('request.jwt.claims', true), '')
    )::jsonb
$$;

-- storage -------------------------------------------------------------------------------
create schema if not exists storage;
grant usage on schema storage to postgres, anon, authenticated, service_role;

create table if not exists storage.buckets (
  id text not null,
  name text not null,
  owner uuid,
  owner_id text,
  created_at timestamptz default now(),
  updated_at timestamptz default now(),
  public boolean default false,
  avif_autodetection boolean default false,
  file_size_limit bigint,
  allowed_mime_types text[],
  constraint buckets_pkey primary key (id)
);
create unique index if not exists bname on storage.buckets (name);

create table if not exists storage.objects (
  id uuid not null default gen_random_uuid(),
  bucket_id text,
  name text,
  owner uuid,
  owner_id text,
  created_at timestamptz default now(),
  updated_at timestamptz default now(),
  last_accessed_at timestamptz default now(),
  metadata jsonb,
  path_tokens text[] generated always as (string_to_array(name, '/')) stored,
  version text,
  user_metadata jsonb,
  constraint objects_pkey primary key (id),
  constraint "objects_bucketId_fkey" foreign key (bucket_id) references storage.buckets (id)
);
create unique index if not exists bucketid_objname on storage.objects (bucket_id, name);
alter table storage.objects enable row level security;
grant all on storage.buckets, storage.objects to anon, authenticated, service_role;

-- Helpers storage policies commonly call, e.g. (storage.foldername(name))[1].
create or replace function storage.foldername(name text)
  returns text[]
  language sql immutable
  set search_path to ''
as $$
  select (pg_catalog.string_to_array(name, '/'))[1:pg_catalog.array_length(pg_catalog.string_to_array(name, '/'), 1) - 1]
$$;

create or replace function storage.filename(name text)
  returns text
  language sql immutable
  set search_path to ''
as $$
  select (pg_catalog.string_to_array(name, '/'))[pg_catalog.array_length(pg_catalog.string_to_array(name, '/'), 1)]
$$;

create or replace function storage.extension(name text)
  returns text
  language sql immutable
  set search_path to ''
as $$
  select pg_catalog.reverse(pg_catalog.split_part(pg_catalog.reverse(storage.filename(name)), '.', 1))
$$;
"#;

/// Written as the template database's comment once the bootstrap completed; a different
/// value (older SQL, or an interrupted bootstrap) makes the next start rebuild the template.
pub fn marker() -> String {
    let mut h = blake3::Hasher::new();
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
    let marker = marker();
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
            quote::literal(&marker())
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
