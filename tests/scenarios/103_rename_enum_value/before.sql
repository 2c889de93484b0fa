create type public.postcard_status as enum ('draft', 'sent', 'paid');
create table public.postcards (
  id bigint primary key,
  status public.postcard_status not null default 'sent',
  constraint not_draft_twice check (status <> 'sent' or id > 0)
);
alter table public.postcards enable row level security;
create policy sent_visible on public.postcards for select to authenticated using (status = 'sent');
insert into public.postcards values (1, 'draft'), (2, 'sent'), (3, 'sent');
