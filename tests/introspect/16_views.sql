create table public.posts (id bigint primary key, author uuid, title text, published boolean default false, body text);
create view public.published_posts with (security_invoker = true) as select id, author, title from public.posts where published;
create view public.post_counts as select author, count(*) as n from public.posts group by author;
create view public."Post Titles" with (security_invoker = on) as select id, upper(title) as "Title" from public.posts order by id;
comment on view public.published_posts is 'Only published posts';
revoke all on public.post_counts from anon;
