#!/usr/bin/env bash
# corpus_bench.sh — import, then plan, of a real project of tests/corpus (issue 12: under
# 2 s cold, under 0.5 s warm, for the largest corpus project).
#
#   benches/corpus_bench.sh [PROJECT] [RUNS]     (defaults: chatbot-ui, 5 runs)
#
# The project's migrations are applied (psql, one transaction per file) to a fresh
# database of the embedded local Postgres made from its Supabase-like template. Timed:
# `supaform import` of it; `plan --detailed-exitcode` of the import against it cold
# (SUPAFORM_NO_NORMALIZE_CACHE=1: the configuration is built in a throwaway database every
# time) and warm (the normalised configuration cached). A no-op plan has no rehearsal; the
# last row plans one added column, so its rehearsal (the live schema rebuilt in a scratch
# database) runs too. Median and range of the wall time, peak RSS (GNU time), for the
# release binary (built if missing; SUPAFORM=path overrides).
set -euo pipefail
cd "$(dirname "$0")/.."
PROJECT=${1:-chatbot-ui}
RUNS=${2:-5}
# shellcheck source=benches/lib.sh
source benches/lib.sh
DB=bench_corpus_${PROJECT//-/_}
"$PSQL" "$ADMIN" -qc "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB TEMPLATE supaform_template" >/dev/null
for f in tests/corpus/"$PROJECT"/migrations/*.sql; do
  "$PSQL" "$BASE/$DB" -X -q -v ON_ERROR_STOP=1 -1 -f "$f" >/dev/null 2>"$WORK/psql.err" || {
    cat "$WORK/psql.err" >&2
    exit 1
  }
done

# timed LABEL CMD...: RUNS runs; prints "| label | median | range | peak |".
timed() {
  local label=$1
  shift
  local ms=() kb=()
  for _ in $(seq 1 "$RUNS"); do
    local t0 t1
    t0=$(date +%s%N)
    /usr/bin/time -f '%M' -o "$WORK/rss" "$@" >"$WORK/out" 2>&1 || [[ $? == 2 ]] || {
      cat "$WORK/out" >&2
      exit 1
    }
    t1=$(date +%s%N)
    ms+=($(((t1 - t0) / 1000000)))
    kb+=($(tail -n1 "$WORK/rss"))
  done
  printf '| %s | %.2f s | %.2f–%.2f s | %d MiB |\n' "$label" \
    "$(printf '%s\n' "${ms[@]}" | median | awk '{print $1/1000}')" \
    "$(printf '%s\n' "${ms[@]}" | sort -n | head -n1 | awk '{print $1/1000}')" \
    "$(printf '%s\n' "${ms[@]}" | sort -n | tail -n1 | awk '{print $1/1000}')" \
    "$(($(printf '%s\n' "${kb[@]}" | sort -n | tail -n1) / 1024))"
}

echo "project=$PROJECT runs=$RUNS binary=$BIN $("$PSQL" --version | head -n1)"
echo "| step | wall, median | range | peak RSS |"
echo "|---|---:|---:|---:|"
timed "import" "$BIN" import --database-url "$BASE/$DB" --out "$WORK/infra" --force
printf 'environment "source" {\n  database_url = "%s"\n}\n' "$BASE/$DB" >"$WORK/infra/environments.hcl"
"$BIN" -c "$WORK/infra" plan -e source --detailed-exitcode >"$WORK/out" 2>&1 || {
  cat "$WORK/out" >&2
  exit 1
}
SUPAFORM_NO_NORMALIZE_CACHE=1 timed "plan, cold (no-op)" "$BIN" -c "$WORK/infra" plan -e source --detailed-exitcode
timed "plan, warm (no-op, normalised configuration cached)" "$BIN" -c "$WORK/infra" plan -e source --detailed-exitcode
first=$(ls "$WORK"/infra/table_*.hcl | head -n1)
python3 - "$first" <<'PY'
import sys
p = sys.argv[1]
s = open(p).read()
i = s.index('\n', s.index('table "'))
open(p, 'w').write(s[:i + 1] + '  column "bench_note" {\n    type = "text"\n    null = true\n  }\n' + s[i + 1:])
PY
SUPAFORM_NO_NORMALIZE_CACHE=1 timed "plan, cold, one column added (rehearsed)" "$BIN" -c "$WORK/infra" plan -e source --detailed-exitcode
timed "plan, warm, one column added (rehearsed)" "$BIN" -c "$WORK/infra" plan -e source --detailed-exitcode
"$PSQL" "$ADMIN" -qc "DROP DATABASE IF EXISTS $DB" >/dev/null
