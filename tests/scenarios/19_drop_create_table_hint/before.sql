create table public.user_profiles (id bigint primary key, username text not null);
insert into public.user_profiles values (1, 'ada'), (2, 'grace');
