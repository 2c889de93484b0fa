create table public.messages (id bigint primary key, body text not null);
create table public.rooms (id bigint primary key);
alter publication supabase_realtime add table public.rooms;
