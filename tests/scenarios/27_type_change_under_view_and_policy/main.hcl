table "scores" {
  column "id" { type = "bigint" }
  column "owner" { type = "uuid" }
  column "points" {
    type    = "bigint"
    default = 0
  }
  primary_key = ["id"]
  rls { enabled = true }
}

policy "positive" {
  table   = table.scores
  command = "select"
  roles   = ["authenticated"]
  using   = "points >= 0 and owner = (select auth.uid())"
}

view "leaderboard" {
  query            = "select id, points from public.scores where points > 10"
  security_invoker = true
}
