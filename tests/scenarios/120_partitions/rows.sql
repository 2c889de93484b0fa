select (select count(*) from public.events), (select count(*) from public.events_archive), (select count(*) from public.events_2026), (select count(*) from public.regions)
