create table public.messages (id bigint primary key, body text);
create table public.events (id bigint primary key, kind text);
alter table public.events replica identity full;
create table public.audit (id bigint not null, at timestamptz not null);
create unique index audit_id_at on public.audit (id, at);
insert into public.messages values (1, 'hello');
