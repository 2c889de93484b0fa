create table public.projects (id uuid primary key default gen_random_uuid(), owner_id uuid not null, name text);
create table public.project_members (project_id uuid references public.projects (id) on delete cascade, user_id uuid, role text default 'viewer', primary key (project_id, user_id));
create table public.tasks (id uuid primary key default gen_random_uuid(), project_id uuid not null references public.projects (id), title text, done boolean default false);
alter table public.projects enable row level security;
alter table public.project_members enable row level security;
alter table public.tasks enable row level security;
create policy "members read projects" on public.projects for select to authenticated
  using (exists (select 1 from public.project_members m where m.project_id = projects.id and m.user_id = (select auth.uid())));
create policy "owners manage projects" on public.projects for all to authenticated
  using (owner_id = (select auth.uid())) with check (owner_id = (select auth.uid()));
create policy "members read tasks" on public.tasks for select to authenticated
  using (project_id in (select m.project_id from public.project_members m where m.user_id = (select auth.uid())));
create policy "editors write tasks" on public.tasks for update to authenticated
  using (project_id in (select project_id from public.project_members where user_id = auth.uid() and role in ('editor', 'owner')))
  with check (title is not null and length(title) < 200);
create policy "see own membership" on public.project_members for select using (user_id = auth.uid() or auth.jwt() ->> 'role' = 'admin');
