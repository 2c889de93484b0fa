create table public.authors (id bigint primary key);
create table public.books (id bigint primary key, author bigint not null);
create index books_author_idx on public.books (author);
insert into public.authors values (1);
insert into public.books values (10, 1), (11, 2);
