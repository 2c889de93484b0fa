create table public.employees_private (id int primary key, name text, email text, salary numeric(12,2), notes text);
revoke all on public.employees_private from anon, authenticated;
grant select (id, name, email) on public.employees_private to authenticated;
grant update (name, email) on public.employees_private to authenticated;
grant select (id, name) on public.employees_private to anon;
grant references (id) on public.employees_private to service_role;
do $$ begin if not exists (select from pg_roles where rolname = 'reporting') then create role reporting nologin; end if; end $$;
grant select on public.employees_private to reporting;
