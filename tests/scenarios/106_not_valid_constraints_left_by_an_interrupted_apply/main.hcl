table "authors" {
  column "id" { type = "bigint" }
  primary_key = ["id"]
}

table "books" {
  column "id" { type = "bigint" }
  column "author_id" {
    type = "bigint"
    null = true
  }
  column "title" {
    type = "text"
    null = true
  }
  primary_key = ["id"]
  check "books_title_not_empty" { expression = "title <> ''" }
  foreign_key "books_author_id_fkey" {
    columns    = ["author_id"]
    references = table.authors
  }
  index "books_author_id_idx" { columns = ["author_id"] }
}
