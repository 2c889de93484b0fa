table "items" {
  column "id" { type = "bigint" }
  column "code" { type = "integer" }
  primary_key = ["id"]
}
