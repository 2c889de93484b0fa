project {
  schemas = ["public", "billing"]
}

schema "billing" { comment = "invoices and payments" }

enum "invoice_state" {
  schema = "billing"
  values = ["open", "paid"]
}

table "invoices" {
  schema = "billing"
  column "id" { type = "bigint" }
  column "state" {
    type    = enum.invoice_state
    default = "open"
  }
  primary_key = ["id"]
}
