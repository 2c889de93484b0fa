# A check made NO INHERIT (dropped and added again: the archive that inherits the table no
# longer carries it), and a new NO INHERIT check. Two databases differing only in it showed
# `No changes.`.
table "readings" {
  column "id" { type = "bigint" }
  column "v" {
    type = "integer"
    null = true
  }
  primary_key = ["id"]
  check "readings_v_positive" {
    expression = "v > 0"
    no_inherit = true
  }
  check "readings_v_small" {
    expression = "v < 1000"
    no_inherit = true
  }
  rls { enabled = true }
}

table "readings_archive" {
  inherits = [table.readings]
  column "note" {
    type = "text"
    null = true
  }
  rls { enabled = true }
}
