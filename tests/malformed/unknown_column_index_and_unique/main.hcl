table "profiles" {
  column "id" { type = "uuid" }
  column "username" { type = "text" }
  index "profiles_name_idx" {
    columns = ["user_name"]
    include = ["emial"]
  }
  unique "profiles_handle_key" { columns = ["handle"] }
}
