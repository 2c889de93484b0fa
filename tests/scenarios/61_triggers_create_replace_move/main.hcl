table "notes" {
  column "id" { type = "bigint" }
  column "body" { type = "text" }
  primary_key = ["id"]
}

function "touch_v2" {
  returns  = "trigger"
  language = "plpgsql"
  body     = "begin return new; end;"
}

function "audit" {
  returns  = "trigger"
  language = "plpgsql"
  body     = "begin return new; end;"
}

# The trigger moves to another function; the old function goes after it.
trigger "notes_touch" {
  table    = table.notes
  timing   = "before"
  events   = ["update"]
  function = function.touch_v2
}

# Changed events: replaced.
trigger "notes_audit" {
  table    = table.notes
  timing   = "after"
  events   = ["insert", "update"]
  function = function.audit
}

trigger "notes_new" {
  table    = table.notes
  timing   = "after"
  events   = ["delete"]
  function = function.audit
}
