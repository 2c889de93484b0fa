create table public.profiles (id bigint primary key, username text not null, email text not null);
