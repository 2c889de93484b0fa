select string_agg(relname::text || ':' || relpersistence::text, ',' order by relname) from pg_catalog.pg_class where relname in ('cache_entries', 'import_rows', 'scratch');
select count(*) from public.cache_entries;
