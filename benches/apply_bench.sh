#!/usr/bin/env bash
# Benchmark: applying the plan that creates a 300-table Supabase-like schema, against
# `psql -1 -f` running the same SQL (issue 5).
#
#   benches/apply_bench.sh [TABLES] [RUNS]     (defaults: 300 tables, 5 runs)
#
# Uses the embedded local Postgres (started if needed) and the supaform binary in
# target/release if present, else target/debug (build one first). For each run, two fresh
# databases are created from the Supabase-like template: one gets `psql -1 -f plan.sql`
# (the exact SQL of the plan, as `supaform plan --sql` prints it), the other
# `supaform apply --auto-approve`. Reported: the median wall time of each, and the time
# apply itself reports for running the plan's phases (its "applied in N ms").
set -euo pipefail
cd "$(dirname "$0")/.."
TABLES=${1:-300}
RUNS=${2:-5}
BIN=target/release/supaform
[ -x "$BIN" ] || BIN=target/debug/supaform
[ -x "$BIN" ] || { echo "build supaform first (cargo build --release)"; exit 1; }
PSQL=$(ls /usr/lib/postgresql/*/bin/psql 2>/dev/null | sort -V | tail -1)
PSQL=${PSQL:-psql}

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
ADMIN=$("$BIN" local start | grep -o 'postgresql://[^ ]*' | head -1 | sed 's#/supaform_local$#/postgres#')

# The schema: TABLES tables with 8 columns, 2 indexes, RLS, 2 policies and a grant each.
"$(dirname "$0")/gen_tables_hcl.sh" "$TABLES" > "$WORK/main.hcl"

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
now_ms() { date +%s%3N; }

psql_times=(); apply_times=(); phase_times=()
for r in $(seq 1 "$RUNS"); do
  for db in bench_psql bench_apply; do
    "$PSQL" "$ADMIN" -qc "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db TEMPLATE supaform_template" >/dev/null
  done
  url_psql=${ADMIN%/postgres}/bench_psql
  url_apply=${ADMIN%/postgres}/bench_apply
  printf 'environment "bench" {\n  database_url = "%s"\n}\n' "$url_apply" > "$WORK/env.hcl"
  # The exact SQL of the plan (the same on both fresh databases).
  "$BIN" -c "$WORK" plan -e bench --sql --no-rehearse | grep -v -x -e "BEGIN;" -e "COMMIT;" > "$WORK/plan.sql"
  t0=$(now_ms); "$PSQL" "$url_psql" -q -1 -v ON_ERROR_STOP=1 -f "$WORK/plan.sql" >/dev/null; t1=$(now_ms)
  psql_times+=($((t1 - t0)))
  t0=$(now_ms)
  out=$("$BIN" -c "$WORK" apply -e bench --auto-approve --no-rehearse)
  t1=$(now_ms)
  apply_times+=($((t1 - t0)))
  phase_times+=($(echo "$out" | grep -o 'applied in [0-9]* ms' | grep -o '[0-9]*'))
  rm -rf "$WORK/state"
done
p=$(printf '%s\n' "${psql_times[@]}" | median)
a=$(printf '%s\n' "${apply_times[@]}" | median)
x=$(printf '%s\n' "${phase_times[@]}" | median)
statements=$(grep -c ';$' "$WORK/plan.sql")
echo "tables=$TABLES statements=$statements runs=$RUNS binary=$BIN"
echo "psql -1 -f plan.sql      median ${p} ms  (${psql_times[*]})"
echo "supaform apply (phases)  median ${x} ms  (${phase_times[*]})"
echo "supaform apply (command) median ${a} ms  (${apply_times[*]})  — includes introspection, normalisation, planning, verification"
