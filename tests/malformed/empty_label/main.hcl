table "" {
  column "id" { type = "uuid" }
}
