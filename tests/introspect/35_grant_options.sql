create table public.ledger (id bigint primary key, amount numeric, memo text);
alter table public.ledger enable row level security;
create policy ledger_read on public.ledger for select to authenticated using (true);
grant select, insert on public.ledger to authenticated with grant option;
grant update on public.ledger to authenticated;
grant select (memo) on public.ledger to anon with grant option;
create function public.ledger_total() returns numeric language sql stable as $$ select sum(amount) from public.ledger $$;
grant execute on function public.ledger_total() to service_role with grant option;
