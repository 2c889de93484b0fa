-- schemas: public, app
create schema app;
comment on schema app is 'Application objects';
grant usage on schema app to authenticated, service_role;
create type app.state as enum ('open', 'closed');
create table public.accounts (id uuid primary key default gen_random_uuid(), name text not null);
create table app.tickets (
  id bigint generated always as identity primary key,
  account_id uuid not null references public.accounts (id) on delete cascade,
  state app.state not null default 'open',
  title text not null
);
create index tickets_account_idx on app.tickets (account_id);
alter table app.tickets enable row level security;
create policy "tickets by account" on app.tickets for select to authenticated using (account_id is not null);
grant select, insert on app.tickets to authenticated;
create function app.open_count(acc uuid) returns bigint language sql stable set search_path = '' as $$ select count(*) from app.tickets where account_id = acc and state = 'open' $$;
create view app.open_tickets with (security_invoker = true) as select id, title from app.tickets where state = 'open';
alter default privileges in schema app grant select on tables to authenticated;
