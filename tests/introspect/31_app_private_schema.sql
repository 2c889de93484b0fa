-- schemas: private, public
-- A project with its own schema besides public, as real projects have (basejump's
-- `basejump`, makerkit's `private`): tables and helpers there, called from a trigger on
-- auth.users and from a policy in public.
create schema private;
grant usage on schema private to authenticated, service_role;
create table private.memberships (
  user_id uuid not null references auth.users (id) on delete cascade,
  team_id uuid not null,
  role text not null default 'member',
  primary key (user_id, team_id)
);
create function private.is_member(team uuid) returns boolean
  language sql stable security definer set search_path = ''
as $$ select exists (select 1 from private.memberships m where m.team_id = team and m.user_id = (select auth.uid())) $$;
create function private.on_signup() returns trigger
  language plpgsql security definer set search_path = ''
as $$ begin insert into private.memberships (user_id, team_id) values (new.id, new.id); return new; end $$;
create trigger on_signup after insert on auth.users for each row execute function private.on_signup();
create table public.projects (id uuid primary key default gen_random_uuid(), team_id uuid not null, name text not null);
alter table public.projects enable row level security;
create policy projects_read on public.projects for select to authenticated using (private.is_member(team_id));
