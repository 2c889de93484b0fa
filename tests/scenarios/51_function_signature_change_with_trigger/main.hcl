table "notes" {
  column "id" { type = "bigint" }
  column "team" { type = "bigint" }
  column "updated_at" {
    type = "timestamptz"
    null = true
  }
  primary_key = ["id"]
  rls { enabled = true }
}

# Body only: replaced in place, the trigger keeps working.
function "touch" {
  returns  = "trigger"
  language = "plpgsql"
  body     = "begin new.updated_at := clock_timestamp(); return new; end;"
}

trigger "notes_touch" {
  table    = table.notes
  timing   = "before"
  events   = ["update"]
  function = function.touch
}

# A new argument: dropped and created again, with the policy that calls it.
function "is_member" {
  argument "team" { type = "bigint" }
  argument "min_team" {
    type    = "bigint"
    default = "0"
  }
  returns    = "boolean"
  volatility = "stable"
  body       = "select team > min_team"
}

policy "notes_team" {
  table   = table.notes
  command = "select"
  roles   = ["authenticated"]
  using   = "public.is_member(team)"
}
