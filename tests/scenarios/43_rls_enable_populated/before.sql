create table public.notes (id bigint primary key, owner uuid not null);
insert into public.notes values (1, gen_random_uuid());
