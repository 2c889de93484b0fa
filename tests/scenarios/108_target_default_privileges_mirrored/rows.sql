select has_table_privilege('anon', 'public.audit', 'select')::text, has_table_privilege('authenticated', 'public.audit', 'select')::text
