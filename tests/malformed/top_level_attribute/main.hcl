name = "postcards"

project {
  schemas = ["public"]
}
