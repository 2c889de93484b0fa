table "notes" {
  column "id" { type = "bigint" }
  column "owner_id" {
    type         = "bigint"
    renamed_from = "author_id"
  }
  primary_key = ["id"]
  rls { enabled = true }
}

policy "notes_select_own" {
  renamed_from = "read mine"
  table        = table.notes
  command      = "select"
  roles        = ["authenticated"]
  using        = "owner_id > 1"
}
