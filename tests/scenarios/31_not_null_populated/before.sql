create table public.profiles (id bigint primary key, username text);
insert into public.profiles values (1, 'ada'), (2, 'grace');
