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

trigger "notes_touch" {
  table     = table.notes
  timing    = "before"
  events    = ["update"]
  update_of = ["body"]
  when      = "old.body IS DISTINCT FROM new.body"
  function  = function.touch
}
