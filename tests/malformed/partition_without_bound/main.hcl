table "events" {
  partition_by = "range (at)"
  column "at" { type = "timestamptz" }
}

table "events_2024" {
  partition_of = table.events
}
