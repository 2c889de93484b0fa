table "profiles" {
  column "id" { type = 5 }
}
