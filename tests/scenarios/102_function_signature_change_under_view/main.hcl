table "prices" {
  column "id" { type = "bigint" }
  column "net" { type = "numeric(10,2)" }
  primary_key = ["id"]
}

function "gross" {
  argument "net" { type = "numeric" }
  argument "rate" {
    type    = "numeric"
    default = "1.2"
  }
  returns    = "numeric"
  volatility = "immutable"
  body       = "select net * rate"
}

view "gross_prices" {
  query            = "select id, public.gross(net) as gross from public.prices"
  security_invoker = true
}

view "expensive" {
  query            = "select id from public.gross_prices where gross > 100"
  security_invoker = true
}
