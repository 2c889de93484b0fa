create collation public.posix_old from "POSIX";
create collation public.ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
create table public.tags (id bigint primary key, label text collate public.ci);
insert into public.tags values (1, 'Red'), (2, 'blue');
alter table public.tags enable row level security;
