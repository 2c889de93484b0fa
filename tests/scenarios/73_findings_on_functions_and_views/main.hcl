table "profiles" {
  column "id" { type = "uuid" }
  column "username" { type = "text" }
  primary_key = ["id"]
  rls { enabled = true }
}

policy "profiles_read" {
  table   = table.profiles
  command = "select"
  roles   = ["authenticated"]
  using   = "(select auth.uid()) = id"
}

# L306: security definer without a fixed search_path, executable by anon.
function "is_admin" {
  returns  = "boolean"
  security = "definer"
  body     = "select exists (select 1 from public.profiles where id = auth.uid())"
}

# L313: runs with its owner's rights, readable by anon.
view "usernames" {
  query = "select username from public.profiles"
}
