create table public.notes (id bigint primary key, body text not null);
create function public.touch_v1() returns trigger language plpgsql as $$begin return new; end;$$;
create function public.audit() returns trigger language plpgsql as $$begin return new; end;$$;
create trigger notes_audit after insert on public.notes for each row execute function public.audit();
create trigger notes_touch before update on public.notes for each row execute function public.touch_v1();
