# Sequences: a standalone one used by a default (its options altered), one owned by the
# column whose default calls it (created before the table, owned once it exists), an
# identity column whose sequence kept the name it had before its table was renamed (and
# gets a cache), and one dropped.
sequence "invoice_number" {
  type      = "integer"
  start     = 1000
  increment = 1
  max_value = 999999
  comment   = "invoice numbers, in order"
}

sequence "ticket_number" {
  start    = 100
  cache    = 10
  owned_by = "tickets.number"
}

table "invoices" {
  column "id" {
    type     = "bigint"
    identity = "always"
  }
  column "number" {
    type    = "integer"
    default = sql("nextval('public.invoice_number'::regclass)")
  }
  primary_key = ["id"]
}

table "signups" {
  column "id" {
    type     = "bigint"
    identity = "by default"
    sequence {
      name  = "waitlist_id_seq"
      cache = 5
    }
  }
  column "email" {
    type = "text"
    null = true
  }
  primary_key = ["id"]
}

table "tickets" {
  column "number" {
    type    = "bigint"
    default = sql("nextval('public.ticket_number'::regclass)")
  }
  primary_key = ["number"]
}
