create type public.mood as enum ('happy', 'sad');
create table public.people (id bigint primary key, mood public.mood not null default 'happy');
insert into public.people values (1, 'happy'), (2, 'sad');
