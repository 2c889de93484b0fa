create table public.user_profiles (id bigint primary key, name text not null);
create index user_profiles_name_idx on public.user_profiles (name);
insert into public.user_profiles values (1, 'ada');
