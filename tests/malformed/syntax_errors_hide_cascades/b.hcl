# Refers to a table whose file does not parse: only the syntax error is reported,
# not an unknown reference to table.profiles.
policy "profiles_select" {
  table   = table.profiles
  command = "select"
  using   = "true"
}
