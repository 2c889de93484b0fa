# Partitions: a partitioned table gains a column and an index (built on every partition,
# without CONCURRENTLY), one partition is created, one regular table is attached (its row
# checked against the bound), one partition is detached (it keeps its rows and the primary
# key it inherited), and a regular table becomes partitioned (rebuilt: its rows are backed
# up, not moved).
table "events" {
  partition_by = "range (at)"
  column "id" {
    type     = "bigint"
    identity = "by default"
  }
  column "at" { type = "timestamp with time zone" }
  column "kind" {
    type = "text"
    null = true
  }
  column "source" {
    type = "text"
    null = true
  }
  primary_key = ["id", "at"]
  index "events_kind" { columns = ["kind"] }
}

table "events_2024" {
  partition_of    = table.events
  partition_bound = "for values from ('2024-01-01') to ('2025-01-01')"
  index "events_2024_at" { columns = ["at"] }
}

table "events_2025" {
  partition_of    = table.events
  partition_bound = "for values from ('2025-01-01') to ('2026-01-01')"
}

table "events_2026" {
  partition_of    = table.events
  partition_bound = "for values from ('2026-01-01') to ('2027-01-01')"
}

table "events_archive" {
  column "id" { type = "bigint" }
  column "at" { type = "timestamp with time zone" }
  column "kind" {
    type = "text"
    null = true
  }
  primary_key = ["id", "at"]
}

table "regions" {
  partition_by = "list (code)"
  column "code" { type = "text" }
  column "name" {
    type = "text"
    null = true
  }
  primary_key = ["code"]
}

table "regions_eu" {
  partition_of    = table.regions
  partition_bound = "for values in ('eu')"
}

table "regions_other" {
  partition_of    = table.regions
  partition_bound = "default"
}

table "events_2027" {
  partition_of    = table.events
  partition_bound = "for values from ('2027-01-01') to ('2028-01-01')"
}
