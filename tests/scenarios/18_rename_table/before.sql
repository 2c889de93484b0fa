create table public.user_profiles (id bigint primary key, username text not null);
create table public.posts (id bigint primary key, author bigint not null references public.user_profiles (id));
alter table public.user_profiles enable row level security;
create policy "read all" on public.user_profiles for select to authenticated using (true);
insert into public.user_profiles values (1, 'ada'), (2, 'grace');
insert into public.posts values (10, 1);
