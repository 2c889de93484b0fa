variable "theme" { default = "light" }
