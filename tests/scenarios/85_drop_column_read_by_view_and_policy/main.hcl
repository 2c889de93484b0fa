table "profiles" {
  column "id" { type = "bigint" }
  column "username" { type = "text" }
  primary_key = ["id"]
  rls { enabled = true }
}

policy "profiles_read" {
  table   = table.profiles
  command = "select"
  roles   = ["authenticated"]
  using   = "true"
}

view "profile_emails" {
  query            = "select id, username from public.profiles"
  security_invoker = true
}
