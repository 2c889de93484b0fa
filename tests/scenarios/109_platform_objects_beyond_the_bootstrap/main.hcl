table "linked_accounts" {
  column "id" { type = "uuid" }
  column "response_id" { type = "bigint" }
  primary_key = ["id"]
  foreign_key "linked_accounts_response_id_fkey" {
    columns    = ["response_id"]
    references = "net._http_response(id)"
  }
  index "linked_accounts_response_id_idx" { columns = ["response_id"] }
  rls { enabled = true }
}

policy "linked_accounts_ok" {
  table   = table.linked_accounts
  command = "select"
  roles   = ["authenticated"]
  using   = "exists (select 1 from net._http_response r where r.id = response_id and r.status_code = 200)"
}

function "lookup_user" {
  argument "name" { type = "text" }
  returns     = "text"
  language    = "sql"
  security    = "definer"
  search_path = ""
  body        = "select username from pgbouncer.get_auth(name)"
}
