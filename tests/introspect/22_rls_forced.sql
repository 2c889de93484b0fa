create table public.secrets (id int primary key, value text);
alter table public.secrets enable row level security;
alter table public.secrets force row level security;
create table public.locked (id int primary key);
alter table public.locked enable row level security;
create table public.forced_only (id int primary key);
alter table public.forced_only force row level security;
create table public.open_table (id int primary key, note text);
