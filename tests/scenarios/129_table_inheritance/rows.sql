select string_agg(order_id || ':' || actor || ':' || legacy, ',' order by order_id) from public.audit_orders;
select string_agg(actor, ',' order by actor) from public.audit_base;
select string_agg(column_name::text, ',' order by ordinal_position) from information_schema.columns where table_schema = 'public' and table_name = 'audit_old';
