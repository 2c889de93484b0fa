create table public.profiles (id bigint primary key, username text not null, legacy_email text);
alter table public.profiles enable row level security;
create policy profiles_read on public.profiles for select to authenticated using (legacy_email is not null);
create view public.profile_emails with (security_invoker = true) as select id, legacy_email from public.profiles;
insert into public.profiles values (1, 'ada', 'ada@example.com');
