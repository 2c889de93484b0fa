insert into storage.buckets (id, name, public) values ('documents', 'documents', false);
create table public.folders (id uuid primary key default gen_random_uuid(), owner_id uuid not null references auth.users (id) on delete cascade, parent_id uuid references public.folders (id) on delete cascade, name text not null, unique nulls not distinct (owner_id, parent_id, name));
create table public.files (
  id uuid primary key default gen_random_uuid(),
  owner_id uuid not null references auth.users (id) on delete cascade,
  folder_id uuid references public.folders (id) on delete set null,
  bucket_id text not null default 'documents',
  object_path text not null,
  mime_type text,
  size_bytes bigint not null default 0 check (size_bytes >= 0),
  checksum text,
  uploaded_at timestamptz not null default now(),
  unique (bucket_id, object_path)
);
create index files_owner_recent_idx on public.files (owner_id, uploaded_at desc);
create table public.file_shares (file_id uuid references public.files (id) on delete cascade, shared_with uuid references auth.users (id) on delete cascade, can_edit boolean not null default false, primary key (file_id, shared_with));
alter table public.folders enable row level security;
alter table public.files enable row level security;
alter table public.file_shares enable row level security;
create policy "owners manage folders" on public.folders for all to authenticated using (owner_id = (select auth.uid())) with check (owner_id = (select auth.uid()));
create policy "owners and sharees read files" on public.files for select to authenticated using (owner_id = (select auth.uid()) or id in (select file_id from public.file_shares where shared_with = (select auth.uid())));
create policy "owners write files" on public.files for insert to authenticated with check (owner_id = (select auth.uid()));
create policy "owners delete files" on public.files for delete to authenticated using (owner_id = (select auth.uid()));
create policy "owners share" on public.file_shares for all to authenticated using (exists (select 1 from public.files f where f.id = file_id and f.owner_id = (select auth.uid())));
create policy "upload into own folder" on storage.objects for insert to authenticated with check (bucket_id = 'documents' and split_part(name, '/', 1) = (select auth.uid())::text);
create policy "read own or shared objects" on storage.objects for select to authenticated using (bucket_id = 'documents' and (owner = (select auth.uid()) or exists (select 1 from public.files f join public.file_shares s on s.file_id = f.id where f.object_path = objects.name and s.shared_with = (select auth.uid()))));
create function public.on_file_deleted() returns trigger language plpgsql security definer set search_path = '' as $$
begin
  delete from storage.objects where bucket_id = old.bucket_id and name = old.object_path;
  return old;
end;
$$;
create trigger files_delete_object after delete on public.files for each row execute function public.on_file_deleted();
