insert into public.tickets (status) values ('done');
insert into public.counters (id, label) values (3, 'c');
insert into public.note_bodies (author, body) values ('ann', 'hello');
select string_agg(id || ':' || status, ',' order by id) from public.tickets;
select (select count(*) from public.counters)::text || '|' || coalesce(pg_get_serial_sequence('public.counters', 'id'), 'none');
select author || ':' || body from public.notes;
