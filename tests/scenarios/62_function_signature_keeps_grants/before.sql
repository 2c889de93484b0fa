create schema api;
grant usage on schema api to authenticated;
create function api.greet(name text) returns text language sql immutable as $$select 'hi ' || name$$;
revoke execute on function api.greet(text) from public;
grant execute on function api.greet(text) to authenticated;
comment on function api.greet(text) is 'says hello';
