create table public.notes (id bigint primary key, author uuid not null);
alter table public.notes enable row level security;
create policy notes_own on public.notes for select to authenticated using ((select auth.uid()) = author);
create view public.note_authors with (security_invoker = true) as select id, author from public.notes;
