create table public.notes (id bigint primary key, team bigint not null, updated_at timestamptz);
alter table public.notes enable row level security;
create function public.touch() returns trigger language plpgsql as $$begin new.updated_at := now(); return new; end;$$;
create trigger notes_touch before update on public.notes for each row execute function public.touch();
create function public.is_member(team bigint) returns boolean language sql stable as $$select team > 0$$;
create policy notes_team on public.notes for select to authenticated using (public.is_member(team));
