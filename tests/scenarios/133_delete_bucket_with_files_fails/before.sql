insert into storage.buckets (id, name, public) values ('exports', 'exports', false);
insert into storage.objects (bucket_id, name) values ('exports', '2026/01.csv'), ('exports', '2026/02.csv');
