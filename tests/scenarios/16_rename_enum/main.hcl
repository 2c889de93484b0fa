enum "postcard_status" {
  values       = ["draft", "sent"]
  renamed_from = "status"
}

table "postcards" {
  column "id" { type = "bigint" }
  column "status" {
    type    = enum.postcard_status
    default = "draft"
  }
  primary_key = ["id"]
}
