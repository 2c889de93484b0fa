table "bookings" {
  column "id" { type = "bigint" }
  column "seat" { type = "integer" }
  primary_key            = ["id"]
  primary_key_deferrable = "later"
  unique "bookings_seat_key" {
    columns    = ["seat"]
    deferrable = true
  }
}
