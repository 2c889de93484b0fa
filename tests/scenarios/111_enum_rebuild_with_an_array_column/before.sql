create type public.tag as enum ('red', 'green', 'legacy', 'blue');
create table public.items (id bigint primary key, main public.tag not null default 'red', tags public.tag[] not null default '{}');
insert into public.items values (1, 'green', '{red,blue}'), (2, 'blue', '{}');
