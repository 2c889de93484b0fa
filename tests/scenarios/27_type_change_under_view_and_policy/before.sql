create table public.scores (id bigint primary key, owner uuid not null, points integer not null default 0);
alter table public.scores enable row level security;
create policy "positive" on public.scores for select to authenticated using (points >= 0 and owner = (select auth.uid()));
create view public.leaderboard with (security_invoker = true) as select id, points from public.scores where points > 10;
insert into public.scores values (1, gen_random_uuid(), 20), (2, gen_random_uuid(), 5);
