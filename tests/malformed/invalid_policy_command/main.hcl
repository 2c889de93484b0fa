table "profiles" {
  column "id" { type = "uuid" }
}

policy "p" {
  table   = table.profiles
  command = "selct"
  using   = "true"
}
