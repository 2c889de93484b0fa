create table public.messages (id bigint primary key, body text not null);
insert into public.messages values (1, 'hello');
alter publication supabase_realtime add table public.messages;
