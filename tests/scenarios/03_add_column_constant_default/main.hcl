table "notes" {
  column "id" { type = "bigint" }
  column "body" { type = "text" }
  column "theme" {
    type    = "text"
    default = "light"
  }
  column "pinned" {
    type    = "boolean"
    default = false
  }
  primary_key = ["id"]
}
