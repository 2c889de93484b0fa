table "docs" {
  column "body" { type = "text" }
  index "docs_body_idx" {
    columns = ["body"]
    method  = "GIN; drop table docs"
  }
}
