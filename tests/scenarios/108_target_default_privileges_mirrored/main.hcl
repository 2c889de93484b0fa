# No RLS, but nothing granted to the API roles on this target: not exposed (no L301).
table "audit" {
  column "id" { type = "bigint" }
  column "event" { type = "text" }
  primary_key = ["id"]
}
