table {
  column "id" { type = "uuid" }
}

enum "status" "extra" {
  values = ["a"]
}

project "postcards" {}
