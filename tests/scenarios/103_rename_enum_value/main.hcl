# 'sent' becomes 'shipped' in place: the rows holding it keep it, and the default, the
# check and the policy naming it follow. 'returned' is added before the renamed value.
enum "postcard_status" {
  values         = ["draft", "returned", "shipped", "paid"]
  renamed_values = { shipped = "sent" }
}

table "postcards" {
  column "id" { type = "bigint" }
  column "status" {
    type    = enum.postcard_status
    default = "shipped"
  }
  primary_key = ["id"]
  check "not_draft_twice" { expression = "status <> 'shipped' or id > 0" }
  rls { enabled = true }
}

policy "sent_visible" {
  table   = table.postcards
  command = "select"
  roles   = ["authenticated"]
  using   = "status = 'shipped'"
}
