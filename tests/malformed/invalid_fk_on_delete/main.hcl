table "users" {
  column "id" { type = "uuid" }
  primary_key = ["id"]
}

table "posts" {
  column "id" { type = "uuid" }
  column "author" { type = "uuid" }
  foreign_key "posts_author_fkey" {
    columns    = ["author"]
    references = table.users
    on_delete  = "cascde"
  }
}
