select (select count(*) from public.legacy_names), (select count(*) from public.base)
