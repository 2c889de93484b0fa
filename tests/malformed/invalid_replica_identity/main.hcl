table "messages" {
  column "id" { type = "bigint" }
  primary_key      = ["id"]
  replica_identity = "everything"
}
