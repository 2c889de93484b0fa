insert into storage.buckets (id, name, public) values ('avatars', 'avatars', true);
create policy "Avatar images are publicly accessible." on storage.objects for select using (bucket_id = 'avatars');
create policy "Anyone can upload an avatar." on storage.objects for insert with check (bucket_id = 'avatars');
create policy "Users update their own avatar" on storage.objects for update to authenticated
  using ((select auth.uid()) = owner) with check (bucket_id = 'avatars');
create policy "Users delete own files in their folder" on storage.objects for delete to authenticated
  using (bucket_id = 'avatars' and split_part(name, '/', 1) = (select auth.uid()::text));
