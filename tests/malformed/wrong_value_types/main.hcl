environment "staging" {
  database_url = 5
  protected    = "yes"
}

secret "API_KEY" { value = ["a"] }

function "f" {
  returns = "int"
  body    = "select 1"
}

grant "f_select" {
  on         = function.f
  roles      = ["anon"]
  privileges = ["select"]
}
