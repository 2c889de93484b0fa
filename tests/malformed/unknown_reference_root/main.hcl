table "profiles" {
  column "id" { type = "uuid" }
}

policy "p" {
  table   = tabel.profiles
  command = "select"
  using   = "true"
}
