table "events" {
  column "id" { type = "bigint" }
  column "kind" { type = "text" }
  column "at" { type = "timestamptz" }
  column "payload" { type = "jsonb" }
  primary_key = ["id"]
  index "events_kind_at_idx" {
    columns = ["kind", "at"]
    include = ["payload"]
  }
  index "events_payload_idx" {
    columns = ["payload"]
    method  = "gin"
  }
  index "events_at_brin" {
    columns = ["at"]
    method  = "brin"
  }
  index "events_recent_idx" {
    expressions = ["date_trunc('day', at AT TIME ZONE 'UTC')"]
    where       = "kind <> 'debug'"
  }
  unique "events_kind_at_key" {
    columns            = ["kind", "at"]
    nulls_not_distinct = true
  }
}
