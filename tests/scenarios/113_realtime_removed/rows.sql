select id, body from public.messages order by id
