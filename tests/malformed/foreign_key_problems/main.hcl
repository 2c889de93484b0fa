table "users" {
  column "id" { type = "uuid" }
  column "org" { type = "uuid" }
  primary_key = ["id"]
}

table "logs" {
  column "id" { type = "uuid" }
}

table "posts" {
  column "id" { type = "uuid" }
  column "author" { type = "uuid" }
  column "org" { type = "uuid" }
  foreign_key "posts_author_fkey" {
    columns    = ["autor"]
    references = table.users
  }
  foreign_key "posts_org_fkey" {
    columns     = ["org"]
    references  = table.users
    ref_columns = ["organisation"]
  }
  foreign_key "posts_pair_fkey" {
    columns    = ["author", "org"]
    references = table.users
  }
  foreign_key "posts_log_fkey" {
    columns    = ["id"]
    references = table.logs
  }
}
