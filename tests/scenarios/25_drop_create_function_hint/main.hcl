function "increment" {
  argument "x" { type = "integer" }
  returns    = "integer"
  volatility = "immutable"
  body       = "select x + 1"
}
