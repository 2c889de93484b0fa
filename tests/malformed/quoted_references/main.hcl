enum "status" { values = ["draft"] }

table "posts" {
  column "status" { type = "enum.status" }
  depends_on = ["enum.status"]
}
