create table public.readings (id bigint primary key, v int, constraint readings_v_positive check (v > 0));
insert into public.readings values (1, 5), (2, 7);
create table public.readings_archive (note text) inherits (public.readings);
alter table public.readings enable row level security;
alter table public.readings_archive enable row level security;
