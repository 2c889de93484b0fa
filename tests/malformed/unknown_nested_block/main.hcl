table "profiles" {
  colum "id" { type = "uuid" }
}
