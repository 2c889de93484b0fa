create table public.admins (user_id uuid primary key);
create function public.is_admin() returns boolean language sql stable security definer set search_path = '' as $$
  select exists (select 1 from public.admins where user_id = auth.uid());
$$;
create function public.admin_count() returns bigint language plpgsql security definer set search_path = public, extensions as $$
begin
  return (select count(*) from admins);
end;
$$;
create function public.plain_helper(x integer) returns integer language sql immutable strict as 'select x * 2';
revoke execute on function public.is_admin() from public;
revoke execute on function public.admin_count() from public, anon;
grant execute on function public.is_admin() to authenticated;
comment on function public.is_admin() is 'True for admins';
