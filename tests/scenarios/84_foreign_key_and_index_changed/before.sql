create table public.authors (id bigint primary key);
create table public.books (id bigint primary key, author bigint not null, title text not null);
alter table public.books add constraint books_author_fkey foreign key (author) references public.authors (id);
create index books_author_idx on public.books (author);
insert into public.authors values (1);
insert into public.books values (1, 1, 'x');
