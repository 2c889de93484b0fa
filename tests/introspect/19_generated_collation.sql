create table public.people (
  id int primary key,
  first_name text collate "C" not null,
  last_name text collate "POSIX",
  full_name text generated always as (first_name || ' ' || coalesce(last_name, '')) stored,
  height_cm numeric,
  height_in numeric generated always as (height_cm / 2.54) stored
);
comment on column public.people.full_name is 'Computed';
