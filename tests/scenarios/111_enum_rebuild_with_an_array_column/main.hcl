# Removing an unused value rebuilds the type: the array column is cast as well as the
# plain one (DROP TYPE of the old type would otherwise refuse).
enum "tag" { values = ["red", "green", "blue"] }

table "items" {
  column "id" { type = "bigint" }
  column "main" {
    type    = enum.tag
    default = "red"
  }
  column "tags" {
    type    = "public.tag[]"
    default = sql("'{}'")
  }
  primary_key = ["id"]
}
