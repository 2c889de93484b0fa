locals {
  writers = ["authenticated"]
}

grant "profiles_rw" {
  on         = table.profiles
  roles      = local.writer
  privileges = ["select"]
}

table "profiles" {
  column "id" { type = "uuid" }
}
