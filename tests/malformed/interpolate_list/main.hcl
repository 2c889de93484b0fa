locals {
  roles = ["anon"]
  label = "roles: ${local.roles}"
}
