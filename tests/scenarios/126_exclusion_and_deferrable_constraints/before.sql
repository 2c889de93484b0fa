create table public.bookings (id bigint primary key, during tstzrange not null, seat int not null, constraint bookings_seat_key unique (seat));
insert into public.bookings values (1, '[2026-01-01,2026-01-02)', 1), (2, '[2026-01-03,2026-01-04)', 2);
create table public.slots (id bigint primary key, during tstzrange, constraint slots_during_excl exclude using gist (during with &&));
alter table public.bookings enable row level security;
alter table public.slots enable row level security;
create policy bookings_read on public.bookings for select to authenticated using (true);
create policy slots_read on public.slots for select to authenticated using (true);
