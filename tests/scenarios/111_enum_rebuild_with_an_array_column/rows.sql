select id, main, tags::text, pg_typeof(tags)::text from public.items order by id
