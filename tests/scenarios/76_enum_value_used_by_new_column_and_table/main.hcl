enum "plan" { values = ["trial", "free", "pro", "enterprise"] }

table "accounts" {
  column "id" { type = "bigint" }
  column "plan" {
    type    = enum.plan
    default = "free"
  }
  column "next_plan" {
    type    = enum.plan
    default = "enterprise"
  }
  primary_key = ["id"]
}

table "trials" {
  column "id" { type = "bigint" }
  column "plan" {
    type    = enum.plan
    default = "trial"
  }
  primary_key = ["id"]
  check "only_trials" { expression = "plan = 'trial'" }
}
