table "profiles" {
  column "id" { type = "uuid" }
  column "username" {
    type = "text"
    null = true
  }
  primary_key = ["id"]
  foreign_key "profiles_id_fkey" {
    columns    = ["id"]
    references = "auth.users(id)"
    on_delete  = "cascade"
  }
  rls { enabled = true }
}

policy "profiles_select_own" {
  table   = table.profiles
  command = "select"
  roles   = ["authenticated"]
  using   = "(select auth.uid()) = id"
}

function "handle_new_user" {
  returns     = "trigger"
  language    = "plpgsql"
  security    = "definer"
  search_path = ""
  body        = <<-SQL
    begin
      insert into public.profiles (id, username) values (new.id, new.email);
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
