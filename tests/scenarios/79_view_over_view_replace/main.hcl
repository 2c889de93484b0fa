table "profiles" {
  column "id" { type = "bigint" }
  column "username" { type = "text" }
  column "email" { type = "text" }
  primary_key = ["id"]
}

view "public_profiles" {
  query            = "select id, username from public.profiles where username <> ''"
  security_invoker = true
}

view "usernames" {
  query            = "select username from public.public_profiles"
  security_invoker = true
}
