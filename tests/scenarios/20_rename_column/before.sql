create table public.profiles (id bigint primary key, name text not null);
create index profiles_name_idx on public.profiles (name);
insert into public.profiles values (1, 'ada');
