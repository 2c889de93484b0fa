function "increment" {
  renamed_from = "add_one"
  argument "x" { type = "bigint" }
  returns    = "bigint"
  volatility = "immutable"
  body       = "select x + 1"
}
