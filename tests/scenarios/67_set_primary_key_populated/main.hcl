table "events" {
  column "id" { type = "bigint" }
  column "name" { type = "text" }
  primary_key = ["id"]
}

table "tags" {
  column "name" { type = "text" }
  column "id" { type = "bigint" }
  primary_key = ["name"]
}
