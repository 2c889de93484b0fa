table "bookings" {
  column "id" { type = "bigint" }
  column "during" { type = "tstzrange" }
  primary_key = ["id"]
  exclude "bookings_no_overlap" {
    using = "gist (during with &&)"
  }
}
