enum "status" {
  values = ["draft", "paid]
}
