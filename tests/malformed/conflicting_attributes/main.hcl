table "t" {
  column "id" {
    type     = "bigint"
    identity = "always"
    default  = 1
  }
  column "name" { type = "text" }
  index "t_idx" {
    columns     = ["name"]
    expressions = ["lower(name)"]
  }
}

function "touch" {
  returns = "trigger"
  body    = "begin return new; end;"
}

trigger "t_touch" {
  table     = table.t
  timing    = "before"
  events    = ["insert"]
  update_of = ["name"]
  function  = function.touch
}
