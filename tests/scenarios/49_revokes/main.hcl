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
