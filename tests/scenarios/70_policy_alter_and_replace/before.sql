create table public.notes (id bigint primary key, owner uuid not null, shared boolean not null default false);
alter table public.notes enable row level security;
create policy notes_read on public.notes for select to authenticated using ((select auth.uid()) = owner);
create policy notes_write on public.notes for update to authenticated using ((select auth.uid()) = owner);
create policy notes_guard on public.notes as permissive for all to authenticated using (true);
