table "notes" {
  column "id" { type = "bigint" }
  column "body" { type = "text" }
  column "updated_at" {
    type = "timestamptz"
    null = true
  }
  primary_key = ["id"]
}

function "touch" {
  returns  = "trigger"
  language = "plpgsql"
  body     = "begin new.updated_at := now(); return new; end;"
}

function "log_truncate" {
  returns  = "trigger"
  language = "plpgsql"
  body     = "begin raise notice 'truncated'; return null; end;"
}

trigger "notes_touch" {
  table     = table.notes
  timing    = "before"
  events    = ["update"]
  update_of = ["body"]
  when      = "old.body IS DISTINCT FROM new.body"
  function  = function.touch
}

trigger "notes_truncate" {
  table    = table.notes
  timing   = "after"
  events   = ["truncate"]
  level    = "statement"
  function = function.log_truncate
}
