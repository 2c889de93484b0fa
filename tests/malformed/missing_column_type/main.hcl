table "profiles" {
  column "id" {}
}
