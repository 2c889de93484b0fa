table "notes" {
  column "id" { type = "bigint" }
  column "owner" { type = "uuid" }
  column "tags" {
    type = "text[]"
    null = true
  }
  primary_key = ["id"]
  index "notes_owner_idx" { columns = ["owner"] }
  index "notes_tags_idx" {
    columns = ["tags"]
    method  = "gin"
  }
}
