table "order_items" {
  name = "Order Items"
  column "ID" { type = "bigint" }
  column "unit price; drop table x" { type = "numeric(10,2)" }
  column "say \"hi\"" {
    type    = "text"
    default = "it's"
  }
  primary_key = ["ID"]
  index "Order Items by \"price\"" { columns = ["unit price; drop table x"] }
  check "price is positive; really" { expression = "\"unit price; drop table x\" > 0" }
  rls { enabled = true }
  comment = "items; with 'quotes'"
}

policy "everyone_view" {
  name    = "Everyone's \"view\""
  table   = table.order_items
  command = "select"
  roles   = ["authenticated"]
  using   = "\"ID\" > 0"
}
