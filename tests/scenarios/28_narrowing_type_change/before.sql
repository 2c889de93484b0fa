create table public.profiles (id bigint primary key, username varchar(100) not null);
insert into public.profiles values (1, 'ada'), (2, 'grace');
