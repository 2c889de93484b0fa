create table public.drafts (id bigint primary key, created_at timestamptz not null default now());
insert into public.drafts values (1, now() - interval '90 days'), (2, now());
create procedure public.purge_drafts(days integer)
  language plpgsql as $$ begin delete from public.drafts where created_at < now() - make_interval(days => days); end $$;
create procedure public.legacy_cleanup() language sql as $$ select 1 $$;
create procedure public.old_proc() language sql as $$ select 1 $$;
