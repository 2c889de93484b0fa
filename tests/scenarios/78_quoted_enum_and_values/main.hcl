enum "ticket_state" {
  name   = "Ticket State"
  values = ["open", "in \"review\"; --", "it's done"]
}

table "tickets" {
  name = "Tickets"
  column "id" { type = "bigint" }
  column "state" {
    type    = enum.ticket_state
    default = "in \"review\"; --"
  }
  primary_key = ["id"]
}
