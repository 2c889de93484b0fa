variable "region" {
  description = "where the project runs"
}
