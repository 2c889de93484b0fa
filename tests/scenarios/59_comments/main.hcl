enum "mood" {
  values  = ["happy", "sad"]
  comment = "how someone feels"
}

table "people" {
  comment = "everyone we know"
  column "id" {
    type    = "bigint"
    comment = "stable identifier"
  }
  column "mood" { type = enum.mood }
  primary_key = ["id"]
}

view "people_view" {
  query            = "select id from public.people"
  security_invoker = true
  comment          = "ids only"
}

function "one" {
  returns    = "integer"
  volatility = "immutable"
  body       = "select 1"
  comment    = "always one"
}
