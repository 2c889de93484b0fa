create type public.status as enum ('draft', 'sent');
create table public.postcards (id bigint primary key, status public.status not null default 'draft');
insert into public.postcards values (1, 'sent');
