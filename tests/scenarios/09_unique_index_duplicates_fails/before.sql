create table public.profiles (id bigint primary key, username text not null);
insert into public.profiles values (1, 'ada'), (2, 'ada'), (3, 'edsger');
