table "notes" {
  column "id" { type = "bigint" }
  column "owner" { type = "uuid" }
  primary_key = ["id"]
  rls { enabled = true }
}
