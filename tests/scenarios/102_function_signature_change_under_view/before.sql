create table public.prices (id bigint primary key, net numeric(10,2) not null);
create function public.gross(net numeric) returns numeric language sql immutable as $$select net * 1.2$$;
create view public.gross_prices with (security_invoker = true) as select id, public.gross(net) as gross from public.prices;
create view public.expensive with (security_invoker = true) as select id from public.gross_prices where gross > 100;
