# A policy with neither `using` nor `check`, as `create policy p on t to service_role`
# writes it: Postgres accepts it and real projects have it.
table "jobs" {
  column "id" { type = "bigint" }
  primary_key = ["id"]
  rls { enabled = true }
}

policy "service_only" {
  table   = table.jobs
  command = "all"
  roles   = ["service_role"]
}
