create table public.scores (id bigint primary key, points integer not null);
create view public.high_scores with (security_invoker = true) as select id, points from public.scores where points > 10;
alter table public.scores enable row level security;
create policy scores_positive on public.scores for select to authenticated using (points > 0);
insert into public.scores values (1, 20);
