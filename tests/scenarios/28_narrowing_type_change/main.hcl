table "profiles" {
  column "id" { type = "bigint" }
  column "username" { type = "varchar(20)" }
  primary_key = ["id"]
}
