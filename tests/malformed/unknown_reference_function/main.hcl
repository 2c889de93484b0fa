function "handle_new_user" {
  returns  = "trigger"
  language = "plpgsql"
  body     = "begin return new; end;"
}

trigger "on_auth_user_created" {
  table    = "auth.users"
  timing   = "after"
  events   = ["insert"]
  function = function.handle_new_usr
}
