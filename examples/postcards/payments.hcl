# Payments are written only by the create-payment Edge Function (service_role, which
# bypasses RLS); users may read their own.
table "payments" {
  column "id" {
    type    = "uuid"
    default = sql("gen_random_uuid()")
  }
  column "postcard_id" {
    type = "uuid"
  }
  column "user_id" {
    type = "uuid"
  }
  column "amount_cents" {
    type = "integer"
  }
  column "currency" {
    type    = "text"
    default = "usd"
  }
  column "stripe_payment_intent_id" {
    type = "text"
  }
  column "status" {
    type    = enum.payment_status
    default = "pending"
  }
  column "created_at" {
    type    = "timestamptz"
    default = sql("now()")
  }

  primary_key = ["id"]

  foreign_key "payments_postcard_id_fkey" {
    columns    = ["postcard_id"]
    references = table.postcards
    on_delete  = "restrict"
  }
  foreign_key "payments_user_id_fkey" {
    columns    = ["user_id"]
    references = table.profiles
    on_delete  = "cascade"
  }

  index "payments_postcard_id_idx" {
    columns = ["postcard_id"]
  }
  index "payments_user_id_idx" {
    columns = ["user_id"]
  }

  unique "payments_stripe_payment_intent_id_key" {
    columns = ["stripe_payment_intent_id"]
  }

  check "amount_positive" {
    expression = "amount_cents > 0"
  }

  rls {
    enabled = true
  }

  lifecycle {
    prevent_destroy = true
  }
}

policy "payments_select_own" {
  table   = table.payments
  command = "select"
  roles   = local.signed_in
  using   = "(select auth.uid()) = user_id"
}

grant "payments_signed_in" {
  on         = table.payments
  roles      = local.signed_in
  privileges = ["select"]
}
