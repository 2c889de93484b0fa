# memberships.role changes type while a policy of another table (teams) reads it through a
# subquery: Postgres refuses ALTER COLUMN TYPE while the policy exists, so it is dropped
# first and created again after.
table "teams" {
  column "id" { type = "bigint" }
  column "name" { type = "text" }
  primary_key = ["id"]
  rls { enabled = true }
}

table "memberships" {
  column "team_id" { type = "bigint" }
  column "user_id" { type = "uuid" }
  column "role" { type = "varchar(20)" }
  primary_key = ["team_id", "user_id"]
  foreign_key "memberships_team_id_fkey" {
    columns    = ["team_id"]
    references = table.teams
  }
}

policy "teams_admin_update" {
  table   = table.teams
  command = "update"
  roles   = ["authenticated"]
  using   = "exists (select 1 from public.memberships m where m.team_id = teams.id and m.user_id = (select auth.uid()) and m.role = 'admin')"
}
