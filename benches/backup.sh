#!/usr/bin/env bash
# Backup benchmark: `supaform backup` of one large table against `pg_dump -t` of the same
# table, time and peak memory (RSS) of each, on the embedded local Postgres.
#
#   benches/backup.sh [SIZE_MB]      # default 1024: a table of about 1 GB (heap)
#
# Needs GNU time (/usr/bin/time; `apt-get install time`) and pg_dump of the server's major
# version. Uses the test cluster under target/tmp (SUPAFORM_CACHE_DIR overrides), builds
# supaform in release mode, and leaves the table in database `bench_backup` (dropped and
# recreated on each run unless REUSE=1; drop it by hand to reclaim the space). RUNS=N
# sets the number of alternating runs (default 5).
set -euo pipefail

SIZE_MB=${1:-1024}
cd "$(dirname "$0")/.."
ROOT=$PWD
export SUPAFORM_CACHE_DIR=${SUPAFORM_CACHE_DIR:-$ROOT/target/tmp/supaform-test-cluster}
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "GNU time is missing: apt-get install time" >&2; exit 1; }

cargo build --release --quiet --bin supaform
BIN=$ROOT/target/release/supaform

URL=$("$BIN" local start | awk '$1 == "url" { print $2 }')
BASE=${URL%/*}
BINDIR=$("$BIN" local status | awk '$1 == "server" { print "/usr/lib/postgresql/" $3 "/bin" }')
PSQL="$BINDIR/psql -X -q -v ON_ERROR_STOP=1"
PG_DUMP="$BINDIR/pg_dump"
DB=bench_backup

# About 130 bytes per row on disk (tuple header, bigint, int, timestamptz, two md5 texts,
# numeric).
ROWS=$(( SIZE_MB * 1024 * 1024 / 130 ))
if [ "${REUSE:-0}" = 1 ]; then
  echo "reusing $DB.public.bench"
else
echo "creating $DB.public.bench with $ROWS rows (~${SIZE_MB} MB)..."
$PSQL "$BASE/postgres" -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
$PSQL "$BASE/$DB" <<SQL
CREATE TABLE public.bench (
  id bigint PRIMARY KEY,
  n int NOT NULL,
  at timestamptz NOT NULL,
  a text NOT NULL,
  b text,
  v numeric
);
INSERT INTO public.bench
  SELECT g, g % 1000, '2024-01-01'::timestamptz + g * interval '1 second',
         md5(g::text), CASE WHEN g % 5 = 0 THEN NULL ELSE md5((g * 7)::text) END,
         (g % 100000) / 7.0
  FROM generate_series(1, $ROWS) g;
VACUUM ANALYZE public.bench;
SQL
fi
SIZE=$($PSQL -At "$BASE/$DB" -c "SELECT pg_size_pretty(pg_relation_size('public.bench'))")
echo "table size: $SIZE"

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cat > "$WORK/main.hcl" <<HCL
project {
  schemas = ["public"]
}
environment "bench" {
  database_url = "$BASE/$DB"
}
HCL

measure() { # label, command...
  local label=$1; shift
  sync
  "$TIME" -f "%e %M %U %S" -o "$WORK/time" "$@" > "$WORK/out" 2>&1 || { cat "$WORK/out"; exit 1; }
  read -r secs kb user sys < "$WORK/time"
  printf '%-36s %8.2f s wall %6.2f s CPU %6d MB peak RSS\n' "$label" "$secs" \
    "$(echo "$user + $sys" | bc)" $(( kb / 1024 ))
}

# Alternate the two, several runs each: the machine may be shared, so compare the best
# and the median rather than one run.
RUNS=${RUNS:-5}
echo
for run in $(seq 1 "$RUNS"); do
  rm -rf "$WORK/bk" "$WORK/dump.sql"
  measure "supaform backup (run $run)" "$BIN" -c "$WORK" backup -e bench --out "$WORK/bk"
  BK_BYTES=$(du -sb "$WORK/bk" | cut -f1)
  measure "pg_dump -t (run $run)" "$PG_DUMP" -d "$BASE/$DB" -t public.bench -f "$WORK/dump.sql"
  DUMP_BYTES=$(stat -c %s "$WORK/dump.sql")
  rm -f "$WORK/dump.sql"
  # pg_dump does not fsync a plain-format file; supaform fsyncs every file before the
  # step it protects runs. This line makes the same promise as supaform's.
  measure "pg_dump -t + fsync (run $run)" sh -c "$PG_DUMP -d $BASE/$DB -t public.bench -f $WORK/dump.sql && sync $WORK/dump.sql"
done
echo
echo "backup directory: $(( BK_BYTES / 1024 / 1024 )) MB; pg_dump output: $(( DUMP_BYTES / 1024 / 1024 )) MB"
