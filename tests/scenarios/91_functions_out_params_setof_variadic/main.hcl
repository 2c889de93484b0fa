table "notes" {
  column "id" { type = "bigint" }
  column "body" { type = "text" }
  primary_key = ["id"]
}

function "note_stats" {
  argument "min_id" { type = "bigint" }
  argument "total" {
    type = "bigint"
    mode = "out"
  }
  argument "longest" {
    type = "integer"
    mode = "out"
  }
  returns    = "record"
  volatility = "stable"
  body       = "select count(*), max(length(body)) from public.notes where id >= min_id"
}

function "notes_after" {
  argument "min_id" { type = "bigint" }
  returns    = "setof public.notes"
  volatility = "stable"
  body       = "select * from public.notes where id > min_id"
}

function "join_all" {
  argument "parts" {
    type = "text[]"
    mode = "variadic"
  }
  returns    = "text"
  volatility = "immutable"
  strict     = true
  body       = "select array_to_string(parts, ',')"
}
