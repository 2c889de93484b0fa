table "base" {
  column "at" { type = "timestamptz" }
}

table "events" {
  inherits     = [table.base, "public.other"]
  partition_by = "range (at)"
  column "at" { type = "timestamptz" }
}
