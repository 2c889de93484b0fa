-- supabase_functions: Database Webhooks (supabase/postgres migrations/db/init-scripts/
-- 00000000000003-post-setup.sql and the dashboard's webhook set-up). Projects create
-- triggers that `execute function supabase_functions.http_request('https://…', 'POST',
-- '{"Content-Type":"application/json"}', '{}', '5000')`; the real function queues a
-- request through pg_net, this one records nothing and sends nothing.
create schema if not exists supabase_functions;
grant usage on schema supabase_functions to postgres, anon, authenticated, service_role;

create table if not exists supabase_functions.migrations (
  version text primary key,
  inserted_at timestamptz not null default now()
);

create table if not exists supabase_functions.hooks (
  id bigserial primary key,
  hook_table_id integer not null,
  hook_name text not null,
  created_at timestamptz not null default now(),
  request_id bigint
);

create or replace function supabase_functions.http_request()
  returns trigger
  language plpgsql
  security definer
  set search_path to 'supabase_functions'
as $$
begin
  -- Arguments: url, method, headers (json text), params (json text), timeout (ms).
  if tg_nargs < 2 then
    raise exception 'supabase_functions.http_request needs at least a url and a method';
  end if;
  return coalesce(new, old);
end;
$$;
revoke all on function supabase_functions.http_request() from public;
grant execute on function supabase_functions.http_request() to postgres, anon, authenticated, service_role;
