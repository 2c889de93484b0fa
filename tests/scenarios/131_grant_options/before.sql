create table public.docs (id bigint primary key, title text, body text);
alter table public.docs enable row level security;
create policy docs_read on public.docs for select to authenticated using (true);
revoke all on public.docs from anon, authenticated, service_role;
grant select on public.docs to authenticated;
grant select, insert on public.docs to service_role with grant option;
grant select (title) on public.docs to anon with grant option;
