create table public.authors (id integer primary key);
create table public.books (id integer primary key, author integer not null references public.authors (id));
create index books_author_idx on public.books (author);
insert into public.authors values (1);
insert into public.books values (1, 1);
