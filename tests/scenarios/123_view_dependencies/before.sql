create table public.base (id bigint primary key, name text);
insert into public.base values (1, 'a');
create view public.v1 as select name from public.base;
create view public.v2 as select name from public.v1;
create view public.v3 as select name from public.v2;
create table public.legacy (id bigint, name text);
insert into public.legacy values (1, 'old');
create view public.legacy_names as select name from public.legacy;
