# The same label in a second file.
table "profiles" {
  column "id" { type = "bigint" }
}
