table "profiles" {
  column "id" { type = "uuid" }
}

policy "profiles_read" {
  table   = table.profiles
  command = "select"
  roles   = ["anon", 42]
  using   = "true"
}
