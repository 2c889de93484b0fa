enum "status" {
  values = "draft, paid, sent"
}
