enum "status" { values = ["draft", "paid", "sent"] }

table "cards" {
  column "id" { type = "bigint" }
  column "status" {
    type    = enum.status
    default = "draft"
  }
  primary_key = ["id"]
  rls { enabled = true }
}

policy "cards_sent" {
  table   = table.cards
  command = "select"
  roles   = ["authenticated"]
  using   = "status <> 'draft'"
}

view "sent_cards" {
  query            = "select id, status from public.cards where status = 'sent'"
  security_invoker = true
}
