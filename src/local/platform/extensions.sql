-- The extensions Supabase installs on every project (pg_graphql in graphql, supabase_vault
-- in vault, pg_stat_statements in extensions, besides uuid-ossp and pgcrypto above): the
-- real ones where this server has them, else supaform's stand-ins (local/standins/), and
-- skipped where neither is available (a --dev-url server without them).
do $$
begin
  if exists (select from pg_catalog.pg_available_extensions where name = 'pg_stat_statements') then
    create extension if not exists pg_stat_statements with schema extensions;
  end if;
  if exists (select from pg_catalog.pg_available_extensions where name = 'supabase_vault') then
    create extension if not exists supabase_vault;
  end if;
  -- After supabase_platform_graphql.sql: its event trigger puts graphql_public.graphql()
  -- in place when the extension is created.
  if exists (select from pg_catalog.pg_available_extensions where name = 'pg_graphql') then
    create extension if not exists pg_graphql;
  end if;
end
$$;
grant usage on schema extensions to dashboard_user;
