create table public.notes (id bigint primary key, owner uuid not null);
