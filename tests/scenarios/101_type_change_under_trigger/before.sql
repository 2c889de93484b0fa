create table public.notes (id bigint primary key, body varchar(100) not null, updated_at timestamptz);
create function public.touch() returns trigger language plpgsql as $$begin new.updated_at := now(); return new; end;$$;
create trigger notes_touch before update of body on public.notes for each row
  when (old.body is distinct from new.body) execute function public.touch();
insert into public.notes values (1, 'a', null);
