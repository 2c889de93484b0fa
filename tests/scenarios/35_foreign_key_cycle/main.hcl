table "teams" {
  column "id" { type = "bigint" }
  column "captain" {
    type = "bigint"
    null = true
  }
  primary_key = ["id"]
  foreign_key "teams_captain_fkey" {
    columns    = ["captain"]
    references = table.players
    on_delete  = "set null"
  }
  index "teams_captain_idx" { columns = ["captain"] }
}

table "players" {
  column "id" { type = "bigint" }
  column "team" { type = "bigint" }
  primary_key = ["id"]
  foreign_key "players_team_fkey" {
    columns    = ["team"]
    references = table.teams
    on_delete  = "cascade"
    deferrable = "deferred"
  }
  index "players_team_idx" { columns = ["team"] }
}
