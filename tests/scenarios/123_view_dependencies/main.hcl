# Views that depend on each other: a chain of three dropped together (the one read by the
# others last), and a table replaced by a view of the same name, under a view that stays
# (dropped before the table and created again once the new view exists).
table "base" {
  column "id" { type = "bigint" }
  column "name" {
    type = "text"
    null = true
  }
  primary_key = ["id"]
}

table "legacy_rows" {
  column "id" {
    type = "bigint"
    null = true
  }
  column "name" {
    type = "text"
    null = true
  }
}

view "legacy" {
  query            = "select id, name from public.legacy_rows"
  security_invoker = true
}

view "legacy_names" {
  query            = "select name from public.legacy"
  security_invoker = true
}
