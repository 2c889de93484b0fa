# Removing a table from Supabase Realtime is caution: subscribed clients stop receiving
# its changes (the rows stay).
table "messages" {
  column "id" { type = "bigint" }
  column "body" { type = "text" }
  primary_key = ["id"]
  realtime    = false
}
