-- The roles every Supabase project has (supabase/postgres migrations/db/init-scripts/
-- 00000000000000-initial-schema.sql), created when missing; migrations grant to them
-- (`grant ... to supabase_auth_admin` for auth hooks, `... to dashboard_user`).
do $$
declare
  r record;
begin
  for r in
    select * from (values
      ('anon', 'nologin noinherit'),
      ('authenticated', 'nologin noinherit'),
      ('service_role', 'nologin noinherit bypassrls'),
      ('authenticator', 'login noinherit'),
      ('supabase_admin', 'login createrole createdb replication bypassrls'),
      ('supabase_auth_admin', 'login noinherit createrole'),
      ('supabase_storage_admin', 'login noinherit createrole'),
      ('supabase_functions_admin', 'login noinherit createrole'),
      ('supabase_realtime_admin', 'nologin noinherit'),
      ('supabase_replication_admin', 'login replication'),
      ('supabase_read_only_user', 'login bypassrls'),
      ('dashboard_user', 'nologin createrole createdb replication'),
      ('pgbouncer', 'login')
    ) as v(name, options)
  loop
    if not exists (select from pg_catalog.pg_roles where rolname = r.name) then
      begin
        execute pg_catalog.format('create role %I %s', r.name, r.options);
      exception when insufficient_privilege then
        -- A dev server of the user's where supaform is not superuser (REPLICATION,
        -- BYPASSRLS need it): the role without those attributes.
        execute pg_catalog.format('create role %I nologin', r.name);
      end;
    end if;
  end loop;
end
$$;
