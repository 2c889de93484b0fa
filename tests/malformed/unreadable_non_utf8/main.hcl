table "café" {
  column "id" { type = "uuid" }
}
