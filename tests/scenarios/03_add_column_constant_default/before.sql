create table public.notes (id bigint primary key, body text not null);
insert into public.notes values (1, 'a'), (2, 'b');
