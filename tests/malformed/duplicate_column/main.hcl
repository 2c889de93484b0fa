table "profiles" {
  column "id" { type = "uuid" }
  column "username" { type = "text" }
  column "id" { type = "bigint" }
}
