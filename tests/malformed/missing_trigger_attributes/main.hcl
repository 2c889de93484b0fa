trigger "on_signup" {
  table  = "auth.users"
  events = ["insert"]
}
