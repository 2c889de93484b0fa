table "profiles" {
  column "id" { type = "uuid" }
}

view "active" {
  query      = "select 1"
  depends_on = [table.zzz_nothing_like_it]
}
