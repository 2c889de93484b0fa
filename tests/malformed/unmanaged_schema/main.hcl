project {
  schemas = ["public"]
}

enum "status" {
  schema = "app"
  values = ["a"]
}
