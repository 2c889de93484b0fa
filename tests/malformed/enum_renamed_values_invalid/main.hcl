enum "status" {
  values         = ["draft", "shipped", "paid"]
  renamed_values = { shipped = "sent", lost = "gone", paid = "draft", "draft" = 3 }
}

enum "kind" {
  values         = ["a", "b"]
  renamed_values = ["a"]
}
