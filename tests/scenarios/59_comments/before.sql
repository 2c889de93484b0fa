create type public.mood as enum ('happy', 'sad');
create table public.people (id bigint primary key, mood public.mood not null);
comment on table public.people is 'old comment';
create view public.people_view with (security_invoker = true) as select id from public.people;
create function public.one() returns integer language sql immutable as $$select 1$$;
