select public.label(1) || '|' || public.label('x'::text) || '|' || (select count(*) from pg_proc where proname = 'area' and pronamespace = 'public'::regnamespace)
