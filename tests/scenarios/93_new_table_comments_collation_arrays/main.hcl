table "people" {
  comment = "everyone"
  column "id" {
    type    = "bigint"
    comment = "identifier"
  }
  column "name" {
    type      = "text"
    collation = "C"
    comment   = "sorted bytewise"
  }
  column "nicknames" {
    type    = "text[]"
    default = sql("'{}'::text[]")
  }
  column "score" {
    type    = "numeric(5,2)"
    default = 0
  }
  primary_key = ["id"]
}
