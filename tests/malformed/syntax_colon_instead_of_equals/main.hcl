table "profiles" {
  column "id" {
    type: "uuid"
  }
}
