create table public.user_notes (id bigint primary key, body text not null);
insert into public.user_notes values (1, 'a'), (2, 'b');
