enum "postcard_status" { values = ["draft", "paid", "sent"] }

table "postcards" {
  column "id" { type = "bigint" }
  column "status" {
    type    = enum.postcard_status
    default = "draft"
  }
  primary_key = ["id"]
}
