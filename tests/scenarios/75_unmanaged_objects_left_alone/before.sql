create table public.legacy (id bigint primary key);
insert into public.legacy values (1);
create view public.legacy_ids as select id from public.legacy;
create function public.legacy_fn() returns integer language sql as $$select 1$$;
create type public.legacy_mood as enum ('a');
create table public.notes (id bigint primary key);
alter table public.notes enable row level security;
create policy handmade on public.notes for select to authenticated using (true);
