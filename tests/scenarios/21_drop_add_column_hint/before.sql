create table public.profiles (id bigint primary key, name text);
insert into public.profiles values (1, 'ada'), (2, null);
