# A foreign key to columns that only a unique index added by the same plan makes unique.
table "countries" {
  column "id" { type = "bigint" }
  column "code" { type = "text" }
  primary_key = ["id"]
  index "countries_code_key" {
    columns = ["code"]
    unique  = true
  }
}

table "addresses" {
  column "id" { type = "bigint" }
  column "country_code" {
    type = "text"
    null = true
  }
  primary_key = ["id"]
  foreign_key "addresses_country_code_fkey" {
    columns    = ["country_code"]
    references  = table.countries
    ref_columns = ["code"]
  }
}
