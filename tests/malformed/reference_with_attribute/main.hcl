table "profiles" {
  column "id" { type = "uuid" }
}

policy "p" {
  table   = table.profiles.id
  command = "select"
  using   = "true"
}
