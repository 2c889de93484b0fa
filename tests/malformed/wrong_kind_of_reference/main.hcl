enum "status" { values = ["a"] }

policy "p" {
  table   = enum.status
  command = "select"
  using   = "true"
}
