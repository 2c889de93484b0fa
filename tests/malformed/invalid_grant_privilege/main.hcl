table "profiles" {
  column "id" { type = "uuid" }
}

grant "profiles_rw" {
  on         = table.profiles
  roles      = ["authenticated"]
  privileges = ["select", "execute"]
}
