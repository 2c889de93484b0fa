table "notes" {
  column "id" { type = "bigint" }
  column "body" { type = "text" }
  column "public_id" {
    type    = "uuid"
    default = sql("gen_random_uuid()")
  }
  primary_key = ["id"]
}
