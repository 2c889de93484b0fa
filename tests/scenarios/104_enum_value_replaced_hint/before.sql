create type public.postcard_status as enum ('draft', 'sent');
create table public.postcards (id bigint primary key, status public.postcard_status not null default 'draft');
insert into public.postcards values (1, 'draft'), (2, 'sent');
