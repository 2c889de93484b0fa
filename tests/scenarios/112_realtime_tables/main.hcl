# Supabase Realtime: a new table and an existing one join the supabase_realtime
# publication; a table the configuration says nothing about keeps its membership.
table "messages" {
  column "id" { type = "bigint" }
  column "body" { type = "text" }
  primary_key = ["id"]
  realtime    = true
}

table "rooms" {
  column "id" { type = "bigint" }
  primary_key = ["id"]
}

table "presence" {
  column "id" { type = "bigint" }
  primary_key = ["id"]
  realtime    = true
}
