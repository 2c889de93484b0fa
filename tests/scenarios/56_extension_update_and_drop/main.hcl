extension "pg_trgm" {
  schema  = "extensions"
  version = "1.6"
}
