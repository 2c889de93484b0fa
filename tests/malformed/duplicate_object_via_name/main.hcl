table "profiles" {
  column "id" { type = "uuid" }
}

table "people" {
  name = "profiles"
  column "id" { type = "uuid" }
}
