create table public.items (id integer primary key, code varchar(10) not null, price numeric(8,2) not null);
insert into public.items values (1, 'a', 1.5);
