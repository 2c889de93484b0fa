create table public.tasks (id bigint primary key, done boolean not null default false);
create view public.open_tasks as select id, done from public.tasks where not done;
