create table public.profiles (
  id bigint primary key,
  username text not null constraint username_length check (char_length(username) >= 3),
  created_at timestamptz not null default now(),
  tags text[] not null default '{}'
);
create index profiles_lower_username on public.profiles (lower(username)) where (username <> '');
alter table public.profiles enable row level security;
create policy profiles_read on public.profiles for select to authenticated using (true);
create view public.usernames with (security_invoker = true) as select username from public.profiles where id > 0;
