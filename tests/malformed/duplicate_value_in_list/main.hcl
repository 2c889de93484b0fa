enum "status" {
  values = ["draft", "paid", "draft"]
}
