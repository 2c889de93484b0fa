table "notes" {
  column "id" { type = "bigint" }
  column "body" { type = "text" }
  primary_key = ["id"]
}

function "noop" {
  returns  = "trigger"
  language = "plpgsql"
  body     = "begin return new; end;"
}
