project {
  name = "postcards
}

table "profiles" {
  column "id" { type = "uuid" }
}
