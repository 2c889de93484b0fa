create table public.items (id bigint primary key, code text not null);
insert into public.items values (1, '42'), (2, 'forty-two');
