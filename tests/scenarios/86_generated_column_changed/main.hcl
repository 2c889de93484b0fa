table "orders" {
  column "id" { type = "bigint" }
  column "net" { type = "numeric(10,2)" }
  column "gross" {
    type      = "numeric(10,2)"
    null      = true
    generated = "net * 1.25"
  }
  primary_key = ["id"]
}
