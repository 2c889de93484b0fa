grant "profiles_read" {
  roles      = ["anon"]
  privileges = ["select"]
}
