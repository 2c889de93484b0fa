table "linked_accounts" {
  column "id" { type = "uuid" }
  column "identity_id" { type = "uuid" }
  primary_key = ["id"]
  foreign_key "linked_accounts_identity_id_fkey" {
    columns    = ["identity_id"]
    references = "auth.identities(id)"
  }
  index "linked_accounts_identity_id_idx" { columns = ["identity_id"] }
  rls { enabled = true }
}

policy "linked_accounts_own" {
  table   = table.linked_accounts
  command = "select"
  roles   = ["authenticated"]
  using   = "exists (select 1 from auth.identities i where i.id = identity_id and i.user_id = (select auth.uid()))"
}

function "store_token" {
  argument "token" { type = "text" }
  returns     = "uuid"
  language    = "sql"
  security    = "definer"
  search_path = ""
  body        = "select vault.create_secret(token)"
}
