table "notes" {
  renamed_from = "user_notes"
  column "id" { type = "bigint" }
  column "body" { type = "text" }
  column "owner" {
    type = "uuid"
    null = true
  }
  primary_key = ["id"]
  index "notes_owner_idx" { columns = ["owner"] }
  check "body_not_empty" { expression = "body <> ''" }
  rls { enabled = true }
}

policy "notes_read" {
  table   = table.notes
  command = "select"
  roles   = ["authenticated"]
  using   = "(select auth.uid()) = owner"
}
