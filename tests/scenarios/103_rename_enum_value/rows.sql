select id, status, (select string_agg(enumlabel, ',' order by enumsortorder) from pg_enum where enumtypid = 'public.postcard_status'::regtype) from public.postcards order by id
