# Table inheritance: the parent drops a column one child declares as its own (dropped
# with ONLY: that child keeps its values), a child stops inheriting (it keeps the columns
# it declares; the one it does not is dropped from it), a plain table starts inheriting
# (its matching columns merge with the parent's), and a new child is created INHERITS.
table "audit_base" {
  column "created_at" {
    type    = "timestamptz"
    default = sql("now()")
  }
  column "actor" {
    type = "text"
    null = true
  }
  rls { enabled = true }
}

table "audit_orders" {
  inherits = [table.audit_base]
  column "order_id" { type = "bigint" }
  column "legacy" {
    type = "integer"
    null = true
  }
  rls { enabled = true }
}

table "audit_old" {
  column "created_at" {
    type    = "timestamptz"
    default = sql("now()")
  }
  column "actor" {
    type = "text"
    null = true
  }
  column "note" {
    type = "text"
    null = true
  }
  rls { enabled = true }
}

table "audit_notes" {
  inherits = [table.audit_base]
  column "id" { type = "bigint" }
  rls { enabled = true }
}

table "audit_logins" {
  inherits = [table.audit_base]
  column "ip" {
    type = "inet"
    null = true
  }
  rls { enabled = true }
}
