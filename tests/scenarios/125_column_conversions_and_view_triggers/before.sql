create type public.status_v1 as enum ('new', 'done');
create type public.status_v2 as enum ('new', 'done');
create table public.tickets (id integer primary key, status public.status_v1 not null default 'new');
insert into public.tickets values (1, 'done'), (5, 'new');
create table public.counters (id serial primary key, label text);
insert into public.counters (label) values ('a'), ('b');
create table public.notes (body text, author text);
create view public.note_bodies as select body from public.notes;
create function public.note_insert() returns trigger language plpgsql as $$begin
  insert into public.notes (body, author) values (new.body, new.author);
  return new;
end
$$;
create trigger note_insert instead of insert on public.note_bodies for each row execute function public.note_insert();
