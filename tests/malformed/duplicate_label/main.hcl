enum "status" { values = ["draft"] }

enum "status" { values = ["paid"] }
