table "profiles" {
  column "id" { type = "bigint" }
  column "username" { type = "text" }
  column "age" {
    type = "integer"
    null = true
  }
  primary_key = ["id"]
}
