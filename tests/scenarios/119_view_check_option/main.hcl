# A view's check option: rows written through it must satisfy its condition. Adding one
# replaces the view; `diff` and `plan` compared views without it before.
table "tasks" {
  column "id" { type = "bigint" }
  column "done" {
    type    = "boolean"
    default = false
  }
  primary_key = ["id"]
}

view "open_tasks" {
  query        = "SELECT tasks.id, tasks.done FROM public.tasks WHERE (NOT tasks.done)"
  check_option = "cascaded"
}

view "done_tasks" {
  query        = "SELECT tasks.id, tasks.done FROM public.tasks WHERE tasks.done"
  check_option = "local"
}
