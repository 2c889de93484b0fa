project {
  schemas = ["public", "api"]
}

schema "api" {}

grant "api_usage" {
  on         = schema.api
  roles      = ["authenticated"]
  privileges = ["usage"]
}

function "greet" {
  schema = "api"
  argument "name" { type = "text" }
  argument "punctuation" {
    type    = "text"
    default = "'!'"
  }
  returns    = "text"
  volatility = "immutable"
  body       = "select 'hi ' || name || punctuation"
  comment    = "says hello"
}

grant "greet_exec" {
  on         = function.greet
  roles      = ["authenticated"]
  privileges = ["execute"]
}
