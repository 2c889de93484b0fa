# Grant options: authenticated gains one on SELECT, service_role keeps its option on SELECT
# only (INSERT stays granted, its option is revoked), anon keeps SELECT on the title column
# without the option. Two databases differing only in grant options showed `No changes.`.
table "docs" {
  column "id" { type = "bigint" }
  column "title" {
    type = "text"
    null = true
  }
  column "body" {
    type = "text"
    null = true
  }
  primary_key = ["id"]
  rls { enabled = true }
}

policy "docs_read" {
  table   = table.docs
  command = "select"
  roles   = ["authenticated"]
  using   = "true"
}

grant "docs_authenticated" {
  on                = table.docs
  roles             = ["authenticated"]
  privileges        = ["select"]
  with_grant_option = true
}

grant "docs_service_role" {
  on                = table.docs
  roles             = ["service_role"]
  privileges        = ["select"]
  with_grant_option = true
}

grant "docs_service_role_insert" {
  on         = table.docs
  roles      = ["service_role"]
  privileges = ["insert"]
}

grant "docs_anon_title" {
  on         = table.docs
  roles      = ["anon"]
  privileges = ["select"]
  columns    = ["title"]
}
