table "profiles" {
  column "username" {
    type    = "text"
    nulable = true
  }
}
