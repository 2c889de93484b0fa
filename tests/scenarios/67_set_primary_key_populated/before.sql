create table public.events (id bigint not null, name text not null);
insert into public.events values (1, 'a'), (2, 'b');
create table public.tags (name text not null, id bigint primary key);
