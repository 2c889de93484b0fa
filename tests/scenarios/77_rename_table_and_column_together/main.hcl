table "profiles" {
  renamed_from = "user_profiles"
  column "id" { type = "bigint" }
  column "username" {
    type         = "text"
    renamed_from = "name"
  }
  primary_key = ["id"]
  index "user_profiles_name_idx" { columns = ["username"] }
}
