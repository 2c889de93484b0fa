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

function "total" {
  schema     = "app"
  returns    = "bigint"
  volatility = "stable"
  body       = "select count(*) from app.reports"
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

grant "reports_body_update" {
  on         = table.reports
  roles      = ["service_role"]
  privileges = ["update"]
  columns    = ["body"]
}

grant "total_exec" {
  on         = function.total
  roles      = ["authenticated"]
  privileges = ["execute"]
}
