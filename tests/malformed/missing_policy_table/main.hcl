policy "everyone_reads" {
  command = "select"
  using   = "true"
}
