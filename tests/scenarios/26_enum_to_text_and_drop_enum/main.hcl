table "people" {
  column "id" { type = "bigint" }
  column "mood" {
    type    = "text"
    default = "happy"
  }
  primary_key = ["id"]
}
