table "items" {
  column "id" { type = "bigint" }
  column "code" { type = "varchar(40)" }
  column "price" { type = "numeric(12,2)" }
  primary_key = ["id"]
}
