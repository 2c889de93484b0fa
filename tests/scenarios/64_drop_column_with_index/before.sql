create table public.profiles (id bigint primary key, username text not null, legacy_code text);
create index profiles_legacy_idx on public.profiles (legacy_code);
insert into public.profiles values (1, 'ada', 'x1'), (2, 'grace', null);
