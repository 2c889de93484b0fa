create collation public.numeric (provider = icu, locale = 'en-u-kn-true');
create collation public.ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
create collation public.c_mixed (provider = libc, lc_collate = 'C', lc_ctype = 'C.UTF-8');
comment on collation public.numeric is 'numbers in text sorted by value';
create table public.documents (id bigint primary key, title text collate public.numeric, tag text collate public.ci);
