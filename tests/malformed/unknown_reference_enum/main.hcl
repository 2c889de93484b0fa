enum "postcard_status" { values = ["draft", "paid", "sent"] }

table "postcards" {
  column "status" { type = enum.postcard_statuss }
}
