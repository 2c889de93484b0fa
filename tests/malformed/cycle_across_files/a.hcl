table "accounts" {
  column "id" { type = "uuid" }
  depends_on = [function.account_count]
}
