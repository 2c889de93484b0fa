enum "postcard_status" {
  values  = ["draft", "paid", "sent"]
  comment = "Where a postcard is in its life: written, paid for, posted"
}

enum "payment_status" {
  values = ["pending", "succeeded", "failed", "refunded"]
}
