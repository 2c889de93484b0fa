create type public.status as enum ('draft', 'paid', 'sent');
create table public.profiles (
  id uuid primary key references auth.users (id) on delete cascade,
  username text unique,
  theme text not null default 'light',
  created_at timestamptz not null default now(),
  status public.status not null default 'draft',
  score integer default 42,
  active boolean default true,
  price numeric(10,2) default 9.99,
  code varchar(12),
  tags text[] default '{}',
  ratio real,
  born date,
  constraint username_length check (char_length(username) >= 3)
);
comment on table public.profiles is 'User profiles';
comment on column public.profiles.username is 'Public handle';
alter table public.profiles enable row level security;
create policy "profiles_select_own" on public.profiles for select to authenticated using ((select auth.uid()) = id);
