tabel "profiles" {
  column "id" { type = "uuid" }
}
