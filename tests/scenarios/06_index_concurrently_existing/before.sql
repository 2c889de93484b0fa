create table public.notes (id bigint primary key, owner uuid not null, body text not null);
insert into public.notes select g, gen_random_uuid(), 'x' from generate_series(1, 50) g;
