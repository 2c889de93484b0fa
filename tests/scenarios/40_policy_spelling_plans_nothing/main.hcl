table "notes" {
  column "id" { type = "bigint" }
  column "owner" { type = "uuid" }
  column "shared" {
    type    = "boolean"
    default = false
  }
  primary_key = ["id"]
  rls { enabled = true }
}

policy "notes_read" {
  table   = table.notes
  command = "select"
  roles   = ["authenticated"]
  using   = "( SELECT auth.uid() )=OWNER OR Shared"
}

policy "notes_write" {
  table   = table.notes
  command = "update"
  roles   = ["authenticated"]
  using   = <<-SQL
    (select auth.uid())   =   owner
  SQL
  check   = "(SELECT auth.uid()) = owner"
}
