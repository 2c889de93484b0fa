locals {
  theme = "light"
  nested {
    a = 1
  }
}
