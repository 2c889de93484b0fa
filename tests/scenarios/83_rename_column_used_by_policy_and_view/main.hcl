table "notes" {
  column "id" { type = "bigint" }
  column "owner" {
    type         = "uuid"
    renamed_from = "author"
  }
  primary_key = ["id"]
  rls { enabled = true }
}

policy "notes_own" {
  table   = table.notes
  command = "select"
  roles   = ["authenticated"]
  using   = "(select auth.uid()) = owner"
}

view "note_authors" {
  query            = "select id, owner from public.notes"
  security_invoker = true
}
