view "a" {
  query      = "select 1"
  depends_on = [view.a]
}
