secret "STRIPE_SECRET_KEY" {
  value = env("STRIPE_SECRET_KEY")
}

edge_function "create-payment" {
  source     = "functions/create-payment"
  entrypoint = "index.ts"
  verify_jwt = true
  depends_on = [secret.STRIPE_SECRET_KEY, table.payments]
}

edge_function "postcard-draft" {
  source     = "functions/postcard-draft"
  verify_jwt = true
  depends_on = [table.postcards]
}
