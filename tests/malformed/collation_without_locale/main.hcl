collation "numeric" {
  provider = "icu4c"
}
