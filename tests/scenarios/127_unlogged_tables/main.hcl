# Unlogged tables: a populated cache made unlogged (rewritten; emptied by a crash from now
# on), an unlogged staging table made logged again, and a new unlogged table.
table "cache_entries" {
  column "key" { type = "text" }
  column "value" {
    type = "jsonb"
    null = true
  }
  primary_key = ["key"]
  unlogged    = true
  rls { enabled = true }
}

table "import_rows" {
  column "id" { type = "bigint" }
  column "payload" {
    type = "text"
    null = true
  }
  primary_key = ["id"]
  rls { enabled = true }
}

table "scratch" {
  column "id" { type = "bigint" }
  primary_key = ["id"]
  unlogged    = true
  rls { enabled = true }
}
