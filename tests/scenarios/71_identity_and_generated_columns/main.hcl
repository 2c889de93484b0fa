table "orders" {
  column "code" { type = "text" }
  column "net" { type = "numeric(10,2)" }
  column "seq" {
    type     = "bigint"
    identity = "by default"
  }
  column "gross" {
    type      = "numeric(10,2)"
    generated = "net * 1.2"
  }
  primary_key = ["code"]
}
