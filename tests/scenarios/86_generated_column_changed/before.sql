create table public.orders (id bigint primary key, net numeric(10,2) not null, gross numeric(10,2) generated always as (net * 1.2) stored);
insert into public.orders (id, net) values (1, 10);
