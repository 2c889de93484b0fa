# Tables created from now on give anon nothing (Supabase's defaults give it everything):
# the default privileges change before the new table is created, so it is created without
# anon's grants.
default_privileges "no_anon_tables" {
  owner      = "postgres"
  schema     = "public"
  on         = "tables"
  roles      = ["anon"]
  privileges = []
}

default_privileges "authenticated_reads" {
  owner      = "postgres"
  schema     = "public"
  on         = "tables"
  roles      = ["authenticated"]
  privileges = ["select"]
}

table "notes" {
  column "id" { type = "bigint" }
  column "body" { type = "text" }
  primary_key = ["id"]
  rls { enabled = true }
}

policy "notes_read" {
  table   = table.notes
  command = "select"
  roles   = ["authenticated"]
  using   = "true"
}
