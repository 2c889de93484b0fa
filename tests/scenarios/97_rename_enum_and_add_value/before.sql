create type public.status as enum ('draft', 'sent');
create table public.cards (id bigint primary key, status public.status not null default 'draft');
insert into public.cards values (1, 'sent');
