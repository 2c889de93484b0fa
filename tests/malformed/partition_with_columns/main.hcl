table "events" {
  partition_by = "range (at)"
  column "at" { type = "timestamptz" }
}

table "events_2024" {
  partition_of    = table.events
  partition_bound = "for values from ('2024-01-01') to ('2025-01-01')"
  column "at" { type = "timestamptz" }
}
