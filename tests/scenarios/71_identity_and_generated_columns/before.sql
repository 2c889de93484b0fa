create table public.orders (code text primary key, net numeric(10,2) not null);
insert into public.orders values ('a', 10), ('b', 20);
