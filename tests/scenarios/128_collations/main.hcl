# Collations: a new ICU collation sorting numbers in text by value, used by a column of a
# new table; a case-insensitive one kept, with a comment added; one no column uses any
# more, dropped (the state owns it).
collation "numeric" {
  provider = "icu"
  locale   = "en-u-kn-true"
}

collation "ci" {
  provider      = "icu"
  locale        = "und-u-ks-level2"
  deterministic = false
  comment       = "case-insensitive comparisons"
}

table "tags" {
  column "id" { type = "bigint" }
  column "label" {
    type      = "text"
    null      = true
    collation = "public.ci"
  }
  primary_key = ["id"]
  rls { enabled = true }
}

table "files" {
  column "id" { type = "bigint" }
  column "name" {
    type      = "text"
    collation = "public.numeric"
  }
  primary_key = ["id"]
  rls { enabled = true }
}
