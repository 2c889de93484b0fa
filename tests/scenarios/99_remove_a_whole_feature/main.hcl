table "keep" {
  column "id" { type = "bigint" }
  primary_key = ["id"]
  rls { enabled = true }
}

policy "keep_read" {
  table   = table.keep
  command = "select"
  roles   = ["authenticated"]
  using   = "true"
}
