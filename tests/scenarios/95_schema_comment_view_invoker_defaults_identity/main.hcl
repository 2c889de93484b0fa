project {
  schemas = ["public", "app"]
}

schema "app" { comment = "the application" }

table "counters" {
  schema = "app"
  column "id" {
    type     = "bigint"
    identity = "always"
  }
  column "label" { type = "text" }
  primary_key = ["id"]
}

view "labels" {
  schema           = "app"
  query            = "select label from app.counters"
  security_invoker = true
}
