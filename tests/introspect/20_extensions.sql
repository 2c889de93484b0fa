create extension pg_trgm schema extensions;
create extension citext schema public;
create table public.users_search (id int primary key, email public.citext not null unique, bio text);
create index users_search_bio_trgm_idx on public.users_search using gin (bio extensions.gin_trgm_ops);
