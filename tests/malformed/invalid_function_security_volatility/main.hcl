function "f" {
  returns    = "int"
  security   = "definr"
  volatility = "pure"
  body       = "select 1"
}
