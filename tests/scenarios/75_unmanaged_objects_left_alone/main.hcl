table "notes" {
  column "id" { type = "bigint" }
  primary_key = ["id"]
  rls { enabled = true }
}

policy "notes_read" {
  table   = table.notes
  command = "select"
  roles   = ["authenticated"]
  using   = "true"
}
