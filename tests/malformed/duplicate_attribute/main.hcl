table "profiles" {
  column "id" {
    type = "uuid"
    type = "bigint"
  }
}
