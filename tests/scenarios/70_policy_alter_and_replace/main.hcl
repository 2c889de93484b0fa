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

# New USING and roles: ALTER POLICY.
policy "notes_read" {
  table   = table.notes
  command = "select"
  roles   = ["anon", "authenticated"]
  using   = "shared or (select auth.uid()) = owner"
}

# New command: dropped and created.
policy "notes_write" {
  table   = table.notes
  command = "all"
  roles   = ["authenticated"]
  using   = "(select auth.uid()) = owner"
  check   = "(select auth.uid()) = owner"
}

# Becomes restrictive: dropped and created.
policy "notes_guard" {
  table   = table.notes
  command = "all"
  roles   = ["authenticated"]
  as      = "restrictive"
  using   = "true"
}
