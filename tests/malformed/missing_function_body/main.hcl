function "noop" {
  language = "sql"
}
