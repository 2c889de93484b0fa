table "audit" {
  column "id" { type = "bigint" }
  column "at" { type = "timestamptz" }
  index "audit_at" { columns = ["at"] }
  unique "audit_id_key" { columns = ["id"] }
  replica_identity = "using index audit_at"
}
