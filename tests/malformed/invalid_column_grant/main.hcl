table "profiles" {
  column "id" { type = "uuid" }
}

grant "profiles_cols" {
  on         = table.profiles
  roles      = ["authenticated"]
  privileges = ["select", "delete"]
  columns    = ["id"]
}
