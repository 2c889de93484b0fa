create type public.plan as enum ('free', 'pro');
create table public.accounts (id bigint primary key, plan public.plan not null default 'free');
insert into public.accounts values (1, 'free'), (2, 'pro');
