table "profiles" {
  column "id" { type = "bigint" }
  column "username" { type = "text" }
  primary_key = ["id"]
}
