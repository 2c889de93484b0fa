create type public.team_role as enum ('owner', 'admin', 'member');
create table public.teams (
  id uuid primary key default gen_random_uuid(),
  name text not null check (char_length(name) between 1 and 100),
  slug text not null unique,
  created_at timestamptz not null default now()
);
create table public.memberships (
  team_id uuid not null references public.teams (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  role public.team_role not null default 'member',
  created_at timestamptz not null default now(),
  primary key (team_id, user_id)
);
create index memberships_user_idx on public.memberships (user_id);
create table public.invitations (
  id uuid primary key default gen_random_uuid(),
  team_id uuid not null references public.teams (id) on delete cascade,
  email text not null,
  role public.team_role not null default 'member',
  token text not null default encode(extensions.gen_random_bytes(16), 'hex'),
  invited_by uuid references auth.users (id) on delete set null,
  accepted_at timestamptz,
  expires_at timestamptz not null default now() + interval '7 days',
  unique (team_id, email)
);
create table public.projects (
  id bigint generated always as identity primary key,
  team_id uuid not null references public.teams (id) on delete cascade,
  name text not null,
  settings jsonb not null default '{}'::jsonb,
  archived boolean not null default false
);
create index projects_team_active_idx on public.projects (team_id) where not archived;
create function public.is_team_member(tid uuid) returns boolean language sql stable security definer set search_path = '' as $$
  select exists (select 1 from public.memberships m where m.team_id = tid and m.user_id = (select auth.uid()));
$$;
create function public.has_team_role(tid uuid, roles public.team_role[]) returns boolean language sql stable security definer set search_path = '' as $$
  select exists (select 1 from public.memberships m where m.team_id = tid and m.user_id = (select auth.uid()) and m.role = any(roles));
$$;
revoke execute on function public.is_team_member(uuid) from anon, public;
revoke execute on function public.has_team_role(uuid, public.team_role[]) from anon, public;
alter table public.teams enable row level security;
alter table public.memberships enable row level security;
alter table public.invitations enable row level security;
alter table public.projects enable row level security;
create policy "members see team" on public.teams for select to authenticated using (public.is_team_member(id));
create policy "admins update team" on public.teams for update to authenticated using (public.has_team_role(id, array['owner', 'admin']::public.team_role[]));
create policy "members see memberships" on public.memberships for select to authenticated using (public.is_team_member(team_id));
create policy "admins manage memberships" on public.memberships for all to authenticated using (public.has_team_role(team_id, array['owner', 'admin']::public.team_role[])) with check (public.has_team_role(team_id, array['owner', 'admin']::public.team_role[]));
create policy "admins see invitations" on public.invitations for select to authenticated using (public.has_team_role(team_id, '{owner,admin}'));
create policy "invitee sees own invitation" on public.invitations for select to authenticated using (email = (auth.jwt() ->> 'email'));
create policy "members use projects" on public.projects for all to authenticated using (public.is_team_member(team_id)) with check (public.is_team_member(team_id));
revoke all on public.invitations from anon;
revoke all on public.memberships from anon;
