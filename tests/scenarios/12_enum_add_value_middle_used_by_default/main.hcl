enum "postcard_status" { values = ["draft", "pending", "sent"] }

table "postcards" {
  column "id" { type = "bigint" }
  column "status" {
    type    = enum.postcard_status
    default = "pending"
  }
  primary_key = ["id"]
}
