enum "status" {}

enum "kind" { values = [] }
