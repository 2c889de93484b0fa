table "profiles" {
  column "id" { type = "bigint" }
  column "username" {
    type = "text"
    null = true
  }
  primary_key = ["id"]
}
