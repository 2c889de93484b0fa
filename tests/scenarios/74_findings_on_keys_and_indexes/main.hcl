table "authors" {
  column "id" { type = "bigint" }
  primary_key = ["id"]
  rls { enabled = true }
}

policy "authors_read" {
  table   = table.authors
  command = "select"
  roles   = ["authenticated"]
  using   = "true"
}

# L310: no primary key, and a foreign key no index covers. L311: the same index twice.
table "books" {
  column "author" { type = "bigint" }
  column "title" { type = "text" }
  foreign_key "books_author_fkey" {
    columns    = ["author"]
    references = table.authors
  }
  index "books_title_idx" { columns = ["title"] }
  index "books_title_idx2" { columns = ["title"] }
  rls { enabled = true }
}

policy "books_read" {
  table   = table.books
  command = "select"
  roles   = ["authenticated"]
  using   = "true"
}
