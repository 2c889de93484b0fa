table "notes" {
  column "id" { type = "bigint" }
  column "owner" { type = "uuid" }
  column "body" { type = "text" }
  primary_key = ["id"]
  index "notes_owner_idx" { columns = ["owner"] }
  index "notes_body_lower_idx" {
    expressions = ["lower(body)"]
    where       = "body <> ''"
  }
}
