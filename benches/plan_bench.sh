#!/usr/bin/env bash
# plan_bench.sh — `supaform plan` from HCL, normalisation and rehearsal included (issue 4:
# under 2 s for 300 tables).
#
#   benches/plan_bench.sh [TABLES] [RUNS]     (defaults: 300 tables, 5 runs)
#
# The configuration is benches/gen_tables_hcl.sh TABLES (8 columns, 2 indexes, RLS, 2
# policies and a grant per table). Two targets, both fresh databases of the embedded local
# Postgres made from its Supabase-like template:
#   empty    nothing applied yet: the plan creates everything (the rehearsal runs every
#            statement of it on a scratch database);
#   applied  the configuration applied, then 10 tables changed in the configuration (a
#            column added to each): the rehearsal rebuilds the live schema and runs the
#            10-step plan on it.
# Each is planned RUNS times cold (SUPAFORM_NO_NORMALIZE_CACHE=1: the configuration is
# built in a throwaway database every time), then RUNS times with the normalised
# configuration cached, and cold with --no-rehearse. Reported: median and range of the
# wall time, and the peak RSS of the client (GNU time), for the release binary (built if
# missing; SUPAFORM=path overrides).
set -euo pipefail
cd "$(dirname "$0")/.."
TABLES=${1:-300}
RUNS=${2:-5}
# shellcheck source=benches/lib.sh
source benches/lib.sh

benches/gen_tables_hcl.sh "$TABLES" >"$WORK/main.hcl"
for db in bench_plan_empty bench_plan_applied; do
  "$PSQL" "$ADMIN" -qc "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db TEMPLATE supaform_template" >/dev/null
done
printf 'environment "empty" {\n  database_url = "%s"\n}\nenvironment "applied" {\n  database_url = "%s"\n}\n' \
  "$BASE/bench_plan_empty" "$BASE/bench_plan_applied" >"$WORK/env.hcl"
echo "==> applying the configuration to bench_plan_applied" >&2
"$BIN" -c "$WORK" apply -e applied --auto-approve --no-rehearse >/dev/null
# 10 changes: a column on each of the first 10 tables.
python3 - "$WORK/main.hcl" <<'PY'
import sys
p = sys.argv[1]
s = open(p).read()
for i in range(1, 11):
    head = f'table "t{i}" {{\n'
    s = s.replace(head, head + '  column "note" {\n    type = "text"\n    null = true\n  }\n', 1)
open(p, "w").write(s)
PY

# run LABEL ENV [ARGS...]: RUNS plans; prints "label median (min–max) peakMiB steps".
run() {
  local label=$1 env=$2
  shift 2
  local ms=() kb=() out
  for _ in $(seq 1 "$RUNS"); do
    local t0 t1
    t0=$(date +%s%N)
    out=$(/usr/bin/time -f '%M' -o "$WORK/rss" "$BIN" -c "$WORK" plan -e "$env" "$@" 2>"$WORK/err") || {
      echo "plan failed:" >&2
      cat "$WORK/err" >&2
      exit 1
    }
    t1=$(date +%s%N)
    ms+=($(((t1 - t0) / 1000000)))
    kb+=($(tail -n1 "$WORK/rss"))
  done
  local summary
  summary=$(echo "$out" | grep -o '^Plan: [0-9]* safe[^.]*' | head -n1)
  printf '| %s | %s | %.2f s | %.2f–%.2f s | %d MiB | %s |\n' "$env" "$label" \
    "$(printf '%s\n' "${ms[@]}" | median | awk '{print $1/1000}')" \
    "$(printf '%s\n' "${ms[@]}" | sort -n | head -n1 | awk '{print $1/1000}')" \
    "$(printf '%s\n' "${ms[@]}" | sort -n | tail -n1 | awk '{print $1/1000}')" \
    "$(($(printf '%s\n' "${kb[@]}" | sort -n | tail -n1) / 1024))" "$summary"
}

echo "tables=$TABLES runs=$RUNS binary=$BIN $("$PSQL" --version | head -n1)"
echo "| target | plan | wall, median | range | peak RSS | plan summary |"
echo "|---|---|---:|---:|---:|---|"
for env in empty applied; do
  SUPAFORM_NO_NORMALIZE_CACHE=1 run "cold (normalise + rehearse)" "$env"
  "$BIN" -c "$WORK" plan -e "$env" >/dev/null 2>&1 # fills the normalisation cache
  run "normalised configuration cached (rehearse)" "$env"
  SUPAFORM_NO_NORMALIZE_CACHE=1 run "cold, --no-rehearse" "$env" --no-rehearse
done
for db in bench_plan_empty bench_plan_applied; do
  "$PSQL" "$ADMIN" -qc "DROP DATABASE IF EXISTS $db" >/dev/null
done
