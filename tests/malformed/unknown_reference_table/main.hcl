table "profiles" {
  column "id" { type = "uuid" }
}

policy "profiles_select_own" {
  table   = table.profile
  command = "select"
  roles   = ["authenticated"]
  using   = "(select auth.uid()) = id"
}
