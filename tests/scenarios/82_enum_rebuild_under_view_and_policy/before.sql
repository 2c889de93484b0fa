create type public.status as enum ('draft', 'sent', 'paid');
create table public.cards (id bigint primary key, status public.status not null default 'draft');
alter table public.cards enable row level security;
create policy cards_sent on public.cards for select to authenticated using (status <> 'draft');
create view public.sent_cards with (security_invoker = true) as select id, status from public.cards where status = 'sent';
insert into public.cards values (1, 'draft'), (2, 'sent');
