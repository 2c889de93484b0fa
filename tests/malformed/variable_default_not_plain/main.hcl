table "profiles" {
  column "id" { type = "uuid" }
}

variable "target" {
  default = table.profiles
}

variable "size" {
  default = 1
  kind    = "number"
}
