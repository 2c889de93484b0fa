table "profiles" {
  column "id" { type = "uuid" }
  rls = true
}
