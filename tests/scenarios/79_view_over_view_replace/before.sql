create table public.profiles (id bigint primary key, username text not null, email text not null);
create view public.public_profiles with (security_invoker = true) as select id, username from public.profiles;
create view public.usernames with (security_invoker = true) as select username from public.public_profiles;
