table "users" {
  column "id" { type = "uuid" }
  primary_key = ["id"]
}

table "posts" {
  column "author" { type = "uuid" }
  foreign_key "posts_author_fkey" {
    columns    = ["author"]
    references = "public.users(id)"
  }
  foreign_key "posts_other_fkey" {
    columns    = ["author"]
    references = "users"
  }
  foreign_key "posts_missing_fkey" {
    columns = ["author"]
  }
}
