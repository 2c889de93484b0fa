create table public.notes (id bigint primary key, owner uuid not null);
alter table public.notes enable row level security;
alter table public.notes force row level security;
create policy notes_select_own on public.notes for select to authenticated using ((select auth.uid()) = owner);
