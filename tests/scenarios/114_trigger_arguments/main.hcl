# Triggers that pass arguments to their function, as real projects write them: contrib's
# moddatetime(updated_at), and a Database Webhook calling supabase_functions.http_request
# with its URL, method, headers, params and timeout (a quote and a backslash included).
extension "moddatetime" { schema = "public" }

table "orders" {
  column "id" { type = "bigint" }
  column "updated_at" {
    type    = "timestamptz"
    default = sql("now()")
  }
  primary_key = ["id"]
  rls { enabled = true }
}

trigger "orders_updated_at" {
  table     = table.orders
  timing    = "before"
  events    = ["update"]
  function  = "public.moddatetime"
  arguments = ["updated_at"]
  depends_on = [extension.moddatetime]
}

trigger "orders_webhook" {
  table     = table.orders
  timing    = "after"
  events    = ["insert", "update"]
  function  = "supabase_functions.http_request"
  arguments = ["https://example.test/hooks/o'rders", "POST", "{\"Content-Type\":\"application/json\"}", "{}", "5000", "a\\b"]
}
