create table public.products (
  id int primary key,
  sku text not null,
  name text not null,
  price numeric(10,2) not null,
  discount numeric(10,2),
  region text,
  starts_at date, ends_at date,
  constraint price_positive check (price > 0),
  constraint discount_le_price check (discount is null or discount <= price),
  constraint window_ok check (starts_at < ends_at),
  constraint name_format check (name ~ '^[A-Z]' and length(name) between 2 and 80),
  constraint products_sku_key unique (sku),
  constraint products_region_name_key unique (region, name)
);
create table public.slots (id int primary key, room text, day date, constraint slots_room_day_key unique nulls not distinct (room, day));
