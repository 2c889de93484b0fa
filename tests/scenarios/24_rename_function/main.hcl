function "increment" {
  renamed_from = "add_one"
  argument "x" { type = "integer" }
  returns    = "integer"
  volatility = "immutable"
  body       = "select x + 1"
}
