table "notes" {
  column "id" {
    type    = "uuid"
    default = sql("gen_random_uuid()")
  }
  column "owner" { type = "uuid" }
  column "body" {
    type = "text"
    null = true
  }
  column "created_at" {
    type    = "timestamptz"
    default = sql("now()")
  }
  primary_key = ["id"]
  rls { enabled = true }
}

policy "notes_select_own" {
  table   = table.notes
  command = "select"
  roles   = ["authenticated"]
  using   = "(select auth.uid()) = owner"
}
