table "keep" {
  column "id" { type = "bigint" }
  primary_key = ["id"]
}
