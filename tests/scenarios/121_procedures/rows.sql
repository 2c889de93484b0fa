select count(*) from public.drafts
