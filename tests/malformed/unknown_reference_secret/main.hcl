secret "STRIPE_SECRET_KEY" { value = "sk_test_123" }

edge_function "create-payment" {
  source     = "."
  entrypoint = "main.hcl"
  depends_on = [secret.STRIPE_KEY]
}
