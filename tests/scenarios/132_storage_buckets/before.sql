insert into storage.buckets (id, name, public) values ('avatars', 'avatars', false), ('old_exports', 'old_exports', false), ('docs', 'docs', true);
insert into storage.objects (bucket_id, name) values ('docs', 'guide.pdf'), ('avatars', 'u1/me.png');
