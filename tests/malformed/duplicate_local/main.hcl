locals {
  writers = ["authenticated"]
}

locals {
  writers = ["service_role"]
}
