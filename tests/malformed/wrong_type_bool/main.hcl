table "profiles" {
  column "username" {
    type = "text"
    null = "yes"
  }
}
