table "profiles" {
  column "id" { type = "bigint" }
  column "username" { type = "text" }
  column "email" { type = "text" }
  primary_key = ["id"]
  rls { enabled = true }
}

view "public_profiles" {
  query            = "select id, username from public.profiles"
  security_invoker = true
  comment          = "what anyone may see"
}
