create function public.add_one(x integer) returns integer language sql immutable as $$select x + 1$$;
