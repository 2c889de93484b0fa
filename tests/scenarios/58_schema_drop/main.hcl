project {
  schemas = ["public", "legacy"]
}
