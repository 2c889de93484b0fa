policy "profiles_select" {
  table   = table.profiles
  command = "select"
  using   = "true"
}}
