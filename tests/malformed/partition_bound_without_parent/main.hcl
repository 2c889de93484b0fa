table "events_2024" {
  column "at" { type = "timestamptz" }
  partition_bound = "for values from ('2024-01-01') to ('2025-01-01')"
}
