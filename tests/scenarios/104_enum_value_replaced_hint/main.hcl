# 'sent' replaced by 'shipped' without `renamed_values`: a rebuild, which fails on the row
# holding 'sent', and a hint naming the attribute that would have kept it.
enum "postcard_status" { values = ["draft", "shipped"] }

table "postcards" {
  column "id" { type = "bigint" }
  column "status" {
    type    = enum.postcard_status
    default = "draft"
  }
  primary_key = ["id"]
}
