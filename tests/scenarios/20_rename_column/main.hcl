table "profiles" {
  column "id" { type = "bigint" }
  column "username" {
    type         = "text"
    renamed_from = "name"
  }
  primary_key = ["id"]
  index "profiles_name_idx" { columns = ["username"] }
}
