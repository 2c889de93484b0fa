function "touch" {
  returns  = "trigger"
  language = "plpgsql"
  body     = "begin return new; end;"
}

table "posts" {
  column "id" { type = "uuid" }
}

trigger "posts_touch" {
  table    = table.posts
  timing   = "afterwards"
  events   = ["insrt", "update"]
  function = function.touch
}
