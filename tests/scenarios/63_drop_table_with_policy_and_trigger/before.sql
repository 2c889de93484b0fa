create table public.keep (id bigint primary key);
create table public.old_notes (id bigint primary key, body text not null);
alter table public.old_notes enable row level security;
create policy old_read on public.old_notes for select to authenticated using (true);
create function public.noop() returns trigger language plpgsql as $$begin return new; end;$$;
create trigger old_noop before insert on public.old_notes for each row execute function public.noop();
insert into public.old_notes values (1, 'a'), (2, 'b'), (3, 'c');
