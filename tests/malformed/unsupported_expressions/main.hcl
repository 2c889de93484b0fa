variable "n" { default = 1 }

table "t" {
  column "a" {
    type    = "int"
    default = var.n + 1
  }
  column "b" {
    type    = "text"
    default = var.n == 1 ? "one" : "many"
  }
  column "c" {
    type    = "text"
    default = "%{if true}x%{endif}"
  }
}

locals {
  list = [for x in ["a"] : x]
}
