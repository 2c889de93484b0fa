enum "card_status" {
  renamed_from = "status"
  values       = ["draft", "paid", "sent"]
}

table "cards" {
  column "id" { type = "bigint" }
  column "status" {
    type    = enum.card_status
    default = "paid"
  }
  primary_key = ["id"]
}
