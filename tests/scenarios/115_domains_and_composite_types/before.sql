create domain public.handle as text check (length(VALUE) >= 3);
create type public.point2 as (x integer, y integer);
create table public.accounts (id bigint primary key, handle public.handle not null);
insert into public.accounts values (1, 'alice');
