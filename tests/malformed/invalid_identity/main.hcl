table "counters" {
  column "n" {
    type     = "bigint"
    identity = "sometimes"
  }
}
