project {
  schemas = ["public", "app"]
}

schema "app" {}

table "reports" {
  schema = "app"
  column "id" { type = "bigint" }
  column "body" { type = "text" }
  primary_key = ["id"]
}

grant "app_usage" {
  on         = schema.app
  roles      = ["authenticated"]
  privileges = ["usage"]
}

grant "reports_read" {
  on         = table.reports
  roles      = ["authenticated"]
  privileges = ["select"]
}

# Declared with no privileges: anon keeps nothing on the schema and the table.
grant "app_usage_anon" {
  on         = schema.app
  roles      = ["anon"]
  privileges = []
}

grant "reports_anon" {
  on         = table.reports
  roles      = ["anon"]
  privileges = []
}
