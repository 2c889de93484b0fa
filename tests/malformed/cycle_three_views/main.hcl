view "a" {
  query      = "select 1"
  depends_on = [view.b]
}

view "b" {
  query      = "select 1"
  depends_on = [view.c]
}

view "c" {
  query      = "select 1"
  depends_on = [view.a]
}
