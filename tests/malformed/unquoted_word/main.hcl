table "profiles" {
  column "id" { type = "uuid" }
}

policy "p" {
  table   = table.profiles
  command = select
  using   = "true"
}
