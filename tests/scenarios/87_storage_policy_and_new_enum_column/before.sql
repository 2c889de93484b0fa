create table public.avatars (id bigint primary key, path text not null);
insert into public.avatars values (1, 'a.png');
