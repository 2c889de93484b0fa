create table public.notes (id bigint primary key, owner uuid not null);
alter table public.notes enable row level security;
create policy notes_select_own on public.notes for select to authenticated using ((select auth.uid()) = owner);
insert into public.notes values (1, gen_random_uuid());
