table "profiles" {
  column "id" { type = "uuid" }
  column "username" { type = "text" }
  primary_key = ["idd"]
}
