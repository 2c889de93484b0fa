create table public.profiles (id bigint primary key, username text not null, email text not null);
alter table public.profiles enable row level security;
create view public.public_profiles with (security_invoker = true) as select id from public.profiles;
comment on view public.public_profiles is 'what anyone may see';
