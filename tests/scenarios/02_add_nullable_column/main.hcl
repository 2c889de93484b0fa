table "notes" {
  column "id" { type = "bigint" }
  column "body" { type = "text" }
  column "title" {
    type = "text"
    null = true
  }
  primary_key = ["id"]
}
