create extension if not exists btree_gist with schema extensions;
create table public.reservations (
  id bigint primary key deferrable initially deferred,
  room int not null,
  during tstzrange not null,
  code text,
  constraint reservations_code_key unique (code) deferrable,
  constraint reservations_no_overlap exclude using gist (room with =, during with &&) where (code is not null)
);
