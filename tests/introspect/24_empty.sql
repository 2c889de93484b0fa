-- Nothing but the Supabase defaults.
select 1;
