# A profile and default preferences for every new user, created at sign-up.
function "handle_new_user" {
  returns     = "trigger"
  language    = "plpgsql"
  security    = "definer"
  search_path = ""
  body        = <<-SQL
    declare
      wanted text := new.raw_user_meta_data ->> 'username';
    begin
      -- A short or taken username must not make the sign-up fail: start without one.
      if wanted is not null and (char_length(wanted) < 3
          or exists (select 1 from public.profiles where username = wanted)) then
        wanted := null;
      end if;
      insert into public.profiles (id, username) values (new.id, wanted);
      insert into public.user_preferences (user_id) values (new.id);
      return new;
    end;
  SQL
}

trigger "on_auth_user_created" {
  table    = "auth.users"
  timing   = "after"
  events   = ["insert"]
  function = function.handle_new_user
}

function "set_updated_at" {
  returns     = "trigger"
  language    = "plpgsql"
  search_path = ""
  body        = <<-SQL
    begin
      new.updated_at := now();
      return new;
    end;
  SQL
}

trigger "profiles_set_updated_at" {
  table    = table.profiles
  timing   = "before"
  events   = ["update"]
  function = function.set_updated_at
}

# Trigger functions are not for API callers.
grant "handle_new_user_execute" {
  on         = function.handle_new_user
  roles      = ["service_role"]
  privileges = ["execute"]
}
