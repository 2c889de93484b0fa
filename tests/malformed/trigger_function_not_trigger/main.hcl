function "answer" {
  returns = "int"
  body    = "select 42"
}

table "t" {
  column "id" { type = "uuid" }
}

trigger "t_answer" {
  table    = table.t
  timing   = "after"
  events   = ["insert"]
  function = function.answer
}
