table "profiles" {
  renamed_from = "user_profiles"
  column "id" { type = "bigint" }
  column "username" { type = "text" }
  primary_key = ["id"]
  rls { enabled = true }
}

table "posts" {
  column "id" { type = "bigint" }
  column "author" { type = "bigint" }
  primary_key = ["id"]
  foreign_key "posts_author_fkey" {
    columns    = ["author"]
    references = table.profiles
  }
  index "posts_author_idx" { columns = ["author"] }
}

policy "read all" {
  table   = table.profiles
  command = "select"
  roles   = ["authenticated"]
  using   = "true"
}
