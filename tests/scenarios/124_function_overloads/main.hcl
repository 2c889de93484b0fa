# Overloaded functions (several sharing a name, told apart by their argument types): one
# gains an overload (the existing one is kept, keyed by its types from now on), and of two,
# one is dropped while the other stays; grants go to one overload.
function "label_integer" {
  name = "label"
  argument "n" { type = "integer" }
  returns    = "text"
  volatility = "immutable"
  body       = "select 'n' || n"
}

function "label_text" {
  name = "label"
  argument "s" { type = "text" }
  returns    = "text"
  volatility = "immutable"
  body       = "select 's' || s"
}

function "area" {
  argument "r" { type = "double precision" }
  returns    = "double precision"
  volatility = "immutable"
  body       = "select pi() * r * r"
}

grant "label_text_authenticated" {
  on         = function.label_text
  roles      = ["authenticated"]
  privileges = ["execute"]
}
