select id, handle from public.accounts order by id
