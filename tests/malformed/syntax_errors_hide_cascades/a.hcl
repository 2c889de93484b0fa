table "profiles" {
  column "id" { type = "uuid" }
  primary_key = ["id"
}
