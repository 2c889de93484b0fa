create table public.notes (id bigint primary key, author_id integer not null);
alter table public.notes enable row level security;
create policy "read mine" on public.notes for select to authenticated using (author_id > 0);
insert into public.notes values (1, 7);
