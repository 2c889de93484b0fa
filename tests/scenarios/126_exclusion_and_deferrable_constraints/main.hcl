# Exclusion constraints and deferrable keys: one added to a populated table (its index is
# built under the table's lock, and existing rows must not conflict), one dropped, a
# unique constraint made deferrable (dropped and added again), and a new table with a
# deferrable primary key and an exclusion constraint of its own.
table "bookings" {
  column "id" { type = "bigint" }
  column "during" { type = "tstzrange" }
  column "seat" { type = "integer" }
  primary_key = ["id"]
  unique "bookings_seat_key" {
    columns    = ["seat"]
    deferrable = "deferred"
  }
  exclude "bookings_no_overlap" { definition = "using gist (during with &&)" }
  rls { enabled = true }
}

table "slots" {
  column "id" { type = "bigint" }
  column "during" {
    type = "tstzrange"
    null = true
  }
  primary_key = ["id"]
  rls { enabled = true }
}

table "rooms" {
  column "id" { type = "bigint" }
  column "open" { type = "tstzrange" }
  primary_key            = ["id"]
  primary_key_deferrable = "immediate"
  exclude "rooms_open_excl" { definition = "EXCLUDE USING gist (open WITH &&) WHERE (id > 0)" }
  rls { enabled = true }
}

policy "bookings_read" {
  table   = table.bookings
  command = "select"
  roles   = ["authenticated"]
  using   = "true"
}

policy "slots_read" {
  table   = table.slots
  command = "select"
  roles   = ["authenticated"]
  using   = "true"
}

policy "rooms_read" {
  table   = table.rooms
  command = "select"
  roles   = ["authenticated"]
  using   = "true"
}
