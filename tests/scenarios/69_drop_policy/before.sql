create table public.notes (id bigint primary key, owner uuid not null);
alter table public.notes enable row level security;
create policy notes_read on public.notes for select to authenticated using ((select auth.uid()) = owner);
create policy notes_delete on public.notes for delete to authenticated using ((select auth.uid()) = owner);
