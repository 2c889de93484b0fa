-- What an apply killed in its validate phase leaves: constraints added NOT VALID, never
-- validated. The plan must not take them for done.
create table public.authors (id bigint primary key);
create table public.books (id bigint primary key, author_id bigint, title text);
insert into public.authors values (1), (2);
insert into public.books values (1, 1, 'a'), (2, 2, 'b');
alter table public.books add constraint books_title_not_empty check (title <> '') not valid;
alter table public.books add constraint books_author_id_fkey foreign key (author_id) references public.authors (id) not valid;
