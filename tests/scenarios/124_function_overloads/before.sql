create function public.label(n integer) returns text language sql immutable as $$select 'n' || n$$;
create function public.area(r double precision) returns double precision language sql immutable as $$select pi() * r * r$$;
create function public.area(w double precision, h double precision) returns double precision language sql immutable as $$select w * h$$;
revoke all on function public.area(double precision, double precision) from public, anon;
