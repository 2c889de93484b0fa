create table public.notes (id bigint primary key, owner uuid not null);
alter table public.notes enable row level security;
create policy "own notes" on public.notes for select to authenticated using ((select auth.uid()) = owner);
