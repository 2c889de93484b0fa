#!/usr/bin/env bash
# gen_tables_hcl.sh N — print a supaform configuration of N Supabase-like tables: 8 columns
# (uuid key with gen_random_uuid(), text, numeric with a default, an enum with a default,
# timestamptz default now(), a foreign key to the previous table), 2 indexes, RLS, a select
# and an insert policy on `(select auth.uid()) = owner_id`, and a grant to authenticated.
# Shared by apply_bench.sh and plan_bench.sh.
set -euo pipefail
TABLES=${1:?usage: gen_tables_hcl.sh N}
{
  echo 'enum "status" { values = ["draft", "active", "archived"] }'
  for i in $(seq 1 "$TABLES"); do
    prev=$((i - 1))
    cat <<HCL
table "t$i" {
  column "id" {
    type    = "uuid"
    default = sql("gen_random_uuid()")
  }
  column "owner_id" { type = "uuid" }
  column "name" { type = "text" }
  column "body" {
    type = "text"
    null = true
  }
  column "amount" {
    type    = "numeric(12,2)"
    default = 0
  }
  column "status" {
    type    = enum.status
    default = "draft"
  }
  column "parent_id" {
    type = "uuid"
    null = true
  }
  column "created_at" {
    type    = "timestamptz"
    default = sql("now()")
  }
  primary_key = ["id"]
HCL
    if [ "$i" -gt 1 ]; then
      cat <<HCL
  foreign_key "t${i}_parent_fkey" {
    columns    = ["parent_id"]
    references = table.t$prev
  }
HCL
    fi
    cat <<HCL
  index "t${i}_owner_idx" { columns = ["owner_id"] }
  index "t${i}_created_idx" { columns = ["created_at"] }
  rls { enabled = true }
}
policy "t${i}_read" {
  table   = table.t$i
  command = "select"
  roles   = ["authenticated"]
  using   = "(select auth.uid()) = owner_id"
}
policy "t${i}_write" {
  table   = table.t$i
  command = "insert"
  roles   = ["authenticated"]
  check   = "(select auth.uid()) = owner_id"
}
grant "t${i}_rw" {
  on         = table.t$i
  roles      = ["authenticated"]
  privileges = ["select", "insert"]
}
HCL
  done
}
