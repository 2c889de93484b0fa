project {
  schemas = ["public", "auth"]
}

table "users" {
  schema = "auth"
  column "id" { type = "uuid" }
}
