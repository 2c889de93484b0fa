table "settings" {
  column "id" { type = "bigint" }
  column "theme" {
    type    = "text"
    default = "system"
  }
  column "created_at" {
    type    = "timestamptz"
    null    = true
    default = sql("now()")
  }
  primary_key = ["id"]
}
