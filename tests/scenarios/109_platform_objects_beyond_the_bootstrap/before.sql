-- Platform objects a real Supabase project has and supaform's bootstrap does not (pg_net's
-- response table, pgbouncer's auth lookup): the dev database gets stand-ins of them, read
-- from the target, so the configuration that names them can be normalised.
create schema net;
create table net._http_response (
  id bigint primary key,
  status_code integer,
  content text,
  created timestamptz not null default now()
);
create schema pgbouncer;
create function pgbouncer.get_auth(p_usename text) returns table (username text, password text)
  language sql as 'select null::text, null::text';
