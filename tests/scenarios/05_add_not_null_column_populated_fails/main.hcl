table "notes" {
  column "id" { type = "bigint" }
  column "body" { type = "text" }
  column "owner" { type = "uuid" }
  primary_key = ["id"]
}
