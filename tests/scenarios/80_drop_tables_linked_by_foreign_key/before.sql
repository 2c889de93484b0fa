create table public.authors (id bigint primary key);
create table public.books (id bigint primary key, author bigint not null references public.authors (id));
insert into public.authors values (1);
insert into public.books values (1, 1);
create table public.keep (id bigint primary key);
