# Domains and composite types. A new domain whose check calls a function taking its base
# type (the check is added once the function exists), a composite type with a domain
# attribute (created after the domain), and an existing domain and type altered in place.
function "is_semver" {
  argument "v" { type = "text" }
  returns  = "boolean"
  language = "sql"
  body     = "select v ~ '^[0-9]+[.][0-9]+[.][0-9]+$'"
  parallel = "safe"
}

domain "semver" {
  type = "text"
  check "semver_valid" { expression = "public.is_semver(VALUE)" }
}

composite_type "release" {
  attribute "version" { type = "public.semver" }
  attribute "notes" { type = "text" }
}

domain "handle" {
  type    = "text"
  null    = false
  default = "'anonymous'::text"
  check "handle_check" { expression = "(length(VALUE) >= 3)" }
  check "handle_lower" { expression = "(VALUE = lower(VALUE))" }
}

composite_type "point2" {
  attribute "x" { type = "integer" }
  attribute "y" { type = "bigint" }
  attribute "z" { type = "integer" }
}

table "accounts" {
  column "id" { type = "bigint" }
  column "handle" { type = "public.handle" }
  column "latest" {
    type = "public.release"
    null = true
  }
  primary_key = ["id"]
  rls { enabled = true }
}
