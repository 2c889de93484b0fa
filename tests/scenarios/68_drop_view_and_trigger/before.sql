create table public.notes (id bigint primary key, body text not null);
create view public.note_ids with (security_invoker = true) as select id from public.notes;
create function public.noop() returns trigger language plpgsql as $$begin return new; end;$$;
create trigger notes_noop before insert on public.notes for each row execute function public.noop();
