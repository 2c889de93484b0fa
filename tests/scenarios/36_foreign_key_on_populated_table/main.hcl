table "authors" {
  column "id" { type = "bigint" }
  primary_key = ["id"]
}

table "books" {
  column "id" { type = "bigint" }
  column "author" { type = "bigint" }
  primary_key = ["id"]
  foreign_key "books_author_fkey" {
    columns    = ["author"]
    references = table.authors
  }
  index "books_author_idx" { columns = ["author"] }
}
