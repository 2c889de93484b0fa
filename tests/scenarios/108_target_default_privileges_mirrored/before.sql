-- A project that narrowed Supabase's defaults: new tables in public give the API roles
-- nothing. The plan must see the new table as the target will create it.
alter default privileges for role postgres in schema public revoke all on tables from anon, authenticated;
