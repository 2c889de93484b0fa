create table public.documents (id bigint primary key, owner uuid, org text, deleted boolean default false, body text);
alter table public.documents enable row level security;
create policy "no deleted rows" on public.documents as restrictive for all to public using (not deleted);
create policy "same org only" on public.documents as restrictive for select to authenticated, anon using (org = (auth.jwt() ->> 'org'));
create policy "owner reads" on public.documents for select to authenticated using (owner = auth.uid());
create policy "owner inserts" on public.documents for insert to authenticated with check (owner = auth.uid());
create policy "owner updates" on public.documents for update to authenticated using (owner = auth.uid());
create policy "owner deletes" on public.documents for delete to authenticated, service_role using (owner = auth.uid());
