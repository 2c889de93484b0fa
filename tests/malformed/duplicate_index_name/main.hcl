table "profiles" {
  column "id" { type = "uuid" }
  column "username" { type = "text" }
  index "profiles_idx" { columns = ["username"] }
  check "profiles_idx" { expression = "true" }
}
