edge_function "1-pay ment" {
  source = "functions/does-not-exist"
}
