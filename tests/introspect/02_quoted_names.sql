create table public."UserAccounts" (
  "Id" bigint generated always as identity primary key,
  "Display Name" text not null,
  "it's" text,
  "semi;colon" text,
  "quote""d" integer default 0,
  "select" text,
  "user" text
);
create index "UserAccounts Display Name idx" on public."UserAccounts" ("Display Name");
create index "lower; name" on public."UserAccounts" (lower("Display Name"));
alter table public."UserAccounts" add constraint "name not empty; really" check ("Display Name" <> '');
create table public."order items" (
  id uuid primary key default gen_random_uuid(),
  "account Id" bigint references public."UserAccounts" ("Id") on delete cascade,
  "Quantity" integer not null default 1
);
alter table public."order items" enable row level security;
create policy "Users can see; their ""own"" items" on public."order items" for select to authenticated using (true);
comment on table public."order items" is 'Items; with "quotes" and ''apostrophes''';
