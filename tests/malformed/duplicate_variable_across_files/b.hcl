variable "theme" { default = "dark" }
