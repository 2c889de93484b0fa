variable "theme" { default = "light" }

table "profiles" {
  column "theme" {
    type    = "text"
    default = var.them
  }
}
