table "profiles" {
  column "id" { type = "bigint" }
  column "username" { type = "text" }
  primary_key = ["id"]
  check "username_length" { expression = "char_length(username) >= 3" }
}
