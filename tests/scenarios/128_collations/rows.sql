insert into public.files values (1, 'file10'), (2, 'file9');
select string_agg(name, ',' order by name) from public.files;
select count(*) from public.tags where label = 'RED';
select string_agg(collname::text, ',' order by collname) from pg_catalog.pg_collation where collnamespace = 'public'::regnamespace;
