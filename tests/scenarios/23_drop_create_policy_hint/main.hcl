table "notes" {
  column "id" { type = "bigint" }
  column "owner" { type = "uuid" }
  primary_key = ["id"]
  rls { enabled = true }
}

policy "notes_select_own" {
  table        = table.notes
  command      = "select"
  roles        = ["authenticated"]
  using        = "(select auth.uid()) = owner"
}
