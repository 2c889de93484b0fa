create table public.teams (id bigint primary key, name text not null);
create table public.memberships (team_id bigint not null references public.teams (id), user_id uuid not null, role text not null, primary key (team_id, user_id));
alter table public.teams enable row level security;
create policy teams_admin_update on public.teams for update to authenticated
  using (exists (select 1 from public.memberships m where m.team_id = teams.id and m.user_id = (select auth.uid()) and m.role = 'admin'));
insert into public.teams values (1, 'a');
insert into public.memberships values (1, gen_random_uuid(), 'admin');
