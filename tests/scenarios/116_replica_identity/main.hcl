# Replica identity: what updates and deletes write to the WAL to identify the old row.
# Realtime sends old records only with FULL; a table without a primary key can use a
# unique index; NOTHING makes its updates fail once it is published.
table "messages" {
  column "id" { type = "bigint" }
  column "body" {
    type = "text"
    null = true
  }
  primary_key      = ["id"]
  replica_identity = "full"
}

table "events" {
  column "id" { type = "bigint" }
  column "kind" {
    type = "text"
    null = true
  }
  primary_key      = ["id"]
  replica_identity = "default"
}

table "audit" {
  column "id" { type = "bigint" }
  column "at" {
    type = "timestamptz"
    null = false
  }
  index "audit_id_at" {
    columns = ["id", "at"]
    unique  = true
  }
  replica_identity = "using index audit_id_at"
}

table "scratch" {
  column "id" { type = "bigint" }
  replica_identity = "nothing"
}
