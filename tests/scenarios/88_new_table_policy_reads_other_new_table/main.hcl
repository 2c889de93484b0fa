table "teams" {
  column "id" { type = "bigint" }
  primary_key = ["id"]
  rls { enabled = true }
}

table "members" {
  column "team" { type = "bigint" }
  column "user_id" { type = "uuid" }
  primary_key = ["team", "user_id"]
  foreign_key "members_team_fkey" {
    columns    = ["team"]
    references = table.teams
    on_delete  = "cascade"
  }
  rls { enabled = true }
}

function "is_member" {
  argument "t" { type = "bigint" }
  returns     = "boolean"
  language    = "sql"
  security    = "definer"
  search_path = ""
  volatility  = "stable"
  body        = "select exists (select 1 from public.members m where m.team = t and m.user_id = (select auth.uid()))"
}

policy "teams_read" {
  table   = table.teams
  command = "select"
  roles   = ["authenticated"]
  using   = "public.is_member(id)"
}

policy "members_read" {
  table   = table.members
  command = "select"
  roles   = ["authenticated"]
  using   = "user_id = (select auth.uid())"
}
