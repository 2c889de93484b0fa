table "scores" {
  column "id" { type = "bigint" }
  column "points" { type = "bigint" }
  primary_key = ["id"]
  rls { enabled = true }
}

policy "scores_read" {
  table   = table.scores
  command = "select"
  roles   = ["authenticated"]
  using   = "true"
}
