table "notes" {
  column "id" { type = "bigint" }
  column "owner" { type = "uuid" }
  column "body" { type = "text" }
  primary_key = ["id"]
  rls { enabled = true }
}

# L308: auth.uid() evaluated per row.
policy "notes_select" {
  table   = table.notes
  command = "select"
  roles   = ["authenticated"]
  using   = "auth.uid() = owner"
}

# L305: anyone may insert anything.
policy "notes_insert_anyone" {
  table   = table.notes
  command = "insert"
  roles   = ["anon"]
  check   = "true"
}

# L307: user_metadata is editable by the user.
policy "notes_delete_admin" {
  table   = table.notes
  command = "delete"
  roles   = ["authenticated"]
  using   = "((select auth.jwt()) -> 'user_metadata' ->> 'role') = 'admin'"
}

# L303: authenticated may update, but no policy allows it.
grant "notes_rw" {
  on         = table.notes
  roles      = ["authenticated"]
  privileges = ["select", "insert", "update", "delete"]
}
