-- Platform objects a real Supabase project has and supaform's bootstrap does not: the
-- dev database gets stand-ins of them, read from the target, so the configuration that
-- names them can be normalised.
create table auth.identities (
  id uuid primary key,
  user_id uuid not null references auth.users (id),
  provider text not null,
  identity_data jsonb
);
create schema vault;
create function vault.create_secret(new_secret text, new_name text default null) returns uuid
  language sql as 'select gen_random_uuid()';
