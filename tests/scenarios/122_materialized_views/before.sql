create table public.downloads (id bigint primary key, package text not null, at timestamptz not null default now());
insert into public.downloads values (1, 'a', now()), (2, 'a', now()), (3, 'b', now());
create materialized view public.download_counts as select package, count(*) as n from public.downloads group by package;
create materialized view public.daily as select date_trunc('day', at) as day, count(*) as n from public.downloads group by 1;
create index daily_day on public.daily (day);
revoke all on public.download_counts, public.daily from anon, authenticated;
