table "profiles" {
  column "a" {
    type    = "text"
    default = env()
  }
  column "b" {
    type    = "text"
    default = sql(42)
  }
  column "c" {
    type    = "text"
    default = now()
  }
}
