#!/usr/bin/env bash
# diff_bench.sh — `supaform diff` against migra, pg-delta and pg_dump, side by side.
#
# What it does, in one run:
#   1. starts supaform's embedded local Postgres (`supaform local start`) in a cache
#      directory, and reads its port from `supaform local status`;
#   2. builds, for each size (300 and 2,000 tables by default), two Supabase-like
#      databases: A (generated) and B (a copy of A with 10 changes). Every table has
#      8 columns (uuid pk, text, timestamptz default now(), an enum column, numeric, a
#      foreign key to the previous table, …), 2 indexes (owner, foreign key), RLS with
#      2 policies (select, insert) and grants to match (anon none, authenticated
#      select and insert); the databases are clones of supaform's Supabase-like template
#      (roles anon/authenticated/service_role, auth, storage, default privileges).
#      The 10 changes: add column, drop column, column type change, add index, drop
#      index, change a policy, add a policy, add an enum value, add a table, drop a table;
#   3. installs the peers into the cache directory on first use: migra (PyPI `migra`,
#      `psycopg2-binary`, in a venv) and Supabase's pg-delta (npm
#      `@supabase/pg-delta@1.0.0-alpha.34`);
#   4. measures, RUNS times each (default 5) and reports medians of: the wall time; the
#      CPU time, client (GNU time's user + sys) plus server (the CPU of the backends the
#      tool used, read from the postmaster's reaped-children counters in /proc): on a
#      shared machine wall times vary with the load, CPU times much less; and the
#      client's peak RSS (GNU time's %M):
#        supaform  supaform diff --from A --to B            (release build)
#        migra     migra --unsafe --with-privileges A B     (postgresql+psycopg2:// URLs)
#        pg-delta  pgdelta plan --source A --desired B
#        pg_dump   pg_dump --schema-only A                  (one database, for scale)
#      Each tool's output goes to a file under the cache directory (not timed apart).
#   5. prints a Markdown table (also written to $CACHE/results.md).
#
# Usage:   benches/diff_bench.sh                # from the repository root
# Env:     BENCH_CACHE  cache directory (default /var/tmp/supaform-bench; the postgres OS
#                       user must be able to reach it when run as root)
#          SIZES        table counts (default "300 2000")
#          RUNS         runs per tool (default 5)
#          SUPAFORM     the binary (default target/release/supaform; built if missing)
#          KEEP=1       keep the generated databases (default: dropped at the end)
# Needs:   bash, python3 (venv), npm/node, GNU time (/usr/bin/time; apt-get install time),
#          PostgreSQL client binaries (psql, pg_dump) of the server's major version.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BENCH_CACHE=${BENCH_CACHE:-/var/tmp/supaform-bench}
SIZES=${SIZES:-"300 2000"}
RUNS=${RUNS:-5}
SUPAFORM=${SUPAFORM:-$ROOT/target/release/supaform}
PGDELTA_VERSION=1.0.0-alpha.34
export SUPAFORM_CACHE_DIR=$BENCH_CACHE/cluster
export NO_COLOR=1
mkdir -p "$BENCH_CACHE/out"

log() { printf '==> %s\n' "$*" >&2; }

# --- tools -----------------------------------------------------------------------------
if [[ ! -x $SUPAFORM ]]; then
  log "building supaform (release)"
  (cd "$ROOT" && cargo build --release --bin supaform)
fi
if [[ ! -x /usr/bin/time ]]; then
  log "installing GNU time"
  apt-get install -y time >/dev/null
fi
if [[ ! -x $BENCH_CACHE/venv/bin/migra ]]; then
  log "installing migra into $BENCH_CACHE/venv"
  python3 -m venv "$BENCH_CACHE/venv"
  # migra 3.0 and sqlbag use SQLAlchemy 1.x APIs; setuptools provides pkg_resources.
  "$BENCH_CACHE/venv/bin/pip" install -q migra psycopg2-binary 'sqlalchemy<2' setuptools
fi
PGDELTA=$BENCH_CACHE/npm/node_modules/.bin/pgdelta
if [[ ! -x $PGDELTA ]]; then
  log "installing @supabase/pg-delta@$PGDELTA_VERSION into $BENCH_CACHE/npm"
  mkdir -p "$BENCH_CACHE/npm"
  npm install --prefix "$BENCH_CACHE/npm" --no-audit --no-fund \
    "@supabase/pg-delta@$PGDELTA_VERSION" >/dev/null
fi

# --- server ----------------------------------------------------------------------------
log "starting the local Postgres ($SUPAFORM_CACHE_DIR)"
"$SUPAFORM" local start >/dev/null
PORT=$("$SUPAFORM" local status | sed -n 's/.*127\.0\.0\.1:\([0-9]*\).*/\1/p' | head -n1)
[[ -n $PORT ]] || { echo "could not read the server's port" >&2; exit 1; }
# Client binaries of the server's major version (pg_dump refuses a newer server).
MAJOR=$("$SUPAFORM" local status | sed -n 's/.*PostgreSQL \([0-9]*\).*/\1/p' | head -n1)
BIN=/usr/lib/postgresql/$MAJOR/bin
[[ -x $BIN/pg_dump ]] || BIN=$(dirname "$(command -v pg_dump)")
PSQL=("$BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PORT" -U postgres)
PG_DUMP=$BIN/pg_dump
url() { echo "postgresql://postgres@127.0.0.1:$PORT/$1"; }

# --- databases -------------------------------------------------------------------------
# A DO block creating tables t0001..tNNNN, committing every 100 tables (the lock table
# would overflow otherwise).
generate_sql() {
  local n=$1
  cat <<SQL
create type public.status as enum ('draft', 'active', 'archived');
do \$\$
declare
  i int;
  t text;
  prev text;
begin
  for i in 1..$n loop
    t := format('t%s', lpad(i::text, 4, '0'));
    execute format(
      'create table public.%I (
         id uuid primary key default gen_random_uuid(),
         owner_id uuid not null,
         title text not null,
         body text,
         status public.status not null default %L,
         amount numeric(12,2),
         created_at timestamptz not null default now(),
         parent_id uuid %s)',
      t, 'draft',
      case when prev is null then ''
           else format('references public.%I (id) on delete cascade', prev) end);
    execute format('create index %I on public.%I (owner_id)', t || '_owner_idx', t);
    execute format('create index %I on public.%I (parent_id)', t || '_parent_idx', t);
    execute format('alter table public.%I enable row level security', t);
    execute format(
      'create policy %I on public.%I for select to authenticated using ((select auth.uid()) = owner_id)',
      t || '_select_own', t);
    execute format(
      'create policy %I on public.%I for insert to authenticated with check ((select auth.uid()) = owner_id)',
      t || '_insert_own', t);
    execute format('revoke all on public.%I from anon', t);
    execute format('revoke update, delete, truncate, references, trigger on public.%I from authenticated', t);
    prev := t;
    if i % 100 = 0 then
      commit;
    end if;
  end loop;
end
\$\$;
analyze;
SQL
}

# The 10 changes that turn A into B.
changes_sql() {
  local n=$1 last
  last=$(printf 't%04d' "$n")
  cat <<SQL
alter table public.t0005 add column archived_at timestamptz;
alter table public.t0010 drop column body;
alter table public.t0015 alter column amount type numeric(14,2);
create index t0020_title_idx on public.t0020 (title);
drop index public.t0025_parent_idx;
alter policy t0030_select_own on public.t0030 using ((select auth.uid()) = owner_id and status <> 'archived');
create policy t0035_update_own on public.t0035 for update to authenticated
  using ((select auth.uid()) = owner_id) with check ((select auth.uid()) = owner_id);
alter type public.status add value 'deleted';
create table public.audit_log (id bigint generated always as identity primary key,
  at timestamptz not null default now(), what text not null);
drop table public.$last;
SQL
}

build_pair() {
  local n=$1 a=bench_${1}_a b=bench_${1}_b
  log "creating $a ($n tables) and $b (10 changes)"
  "${PSQL[@]}" -d postgres -c "drop database if exists $a" -c "drop database if exists $b" \
    -c "create database $a template supaform_template"
  generate_sql "$n" | "${PSQL[@]}" -d "$a"
  "${PSQL[@]}" -d postgres -c "create database $b template $a"
  changes_sql "$n" | "${PSQL[@]}" -d "$b"
  "${PSQL[@]}" -d "$b" -c analyze
}

# --- measuring -------------------------------------------------------------------------
# CPU ticks of the server's exited backends (the postmaster's cutime + cstime).
DATA_DIR=$("$SUPAFORM" local status | sed -n 's/^ *data dir *//p' | head -n1)
PM_PID=$(head -n1 "$DATA_DIR/postmaster.pid")
server_ticks() { awk '{ print $16 + $17 }' "/proc/$PM_PID/stat"; }
TICK_MS=$((1000 / $(getconf CLK_TCK)))

# measure NAME OUTFILE CMD...: RUNS runs; prints "median_ms median_peak_kib median_cpu_ms".
measure() {
  local name=$1 outfile=$2
  shift 2
  local secs=() kibs=() cpus=() i start end rc s0 s1
  for ((i = 0; i < RUNS; i++)); do
    s0=$(server_ticks)
    start=$(date +%s%N)
    set +e
    /usr/bin/time -f '%M %U %S' -o "$BENCH_CACHE/out/time.txt" "$@" >"$outfile" 2>"$outfile.err"
    rc=$?
    set -e
    end=$(date +%s%N)
    sleep 0.3 # let the postmaster reap the tool's backends
    s1=$(server_ticks)
    # supaform --detailed-exitcode / migra exit 2 when the databases differ.
    if [[ $rc -ne 0 && $rc -ne 2 ]]; then
      echo "$name failed (exit $rc):" >&2
      tail -n 20 "$outfile.err" >&2
      echo "- - -"
      return
    fi
    secs+=("$(((end - start) / 1000000))")
    read -r kib user sys < <(tail -n1 "$BENCH_CACHE/out/time.txt")
    kibs+=("$kib")
    cpus+=("$(awk -v u="$user" -v s="$sys" -v t=$(((s1 - s0) * TICK_MS)) 'BEGIN { printf "%d", (u + s) * 1000 + t }')")
  done
  median() { printf '%s\n' "$@" | sort -n | sed -n "$(((RUNS + 1) / 2))p"; }
  echo "$(median "${secs[@]}") $(median "${kibs[@]}") $(median "${cpus[@]}")"
}

fmt_s() { [[ $1 == - ]] && echo "failed" || awk -v ms="$1" 'BEGIN { printf "%.2f s", ms / 1000 }'; }
fmt_cpu() { [[ $1 == - ]] && echo "–" || awk -v ms="$1" 'BEGIN { printf "%.2f s", ms / 1000 }'; }
fmt_mb() { [[ $1 == - ]] && echo "–" || awk -v k="$1" 'BEGIN { printf "%.0f MiB", k / 1024 }'; }

{
  echo "| tables | tool | wall time | CPU (client + server) | peak RSS (client) | steps found |"
  echo "|---:|---|---:|---:|---:|---|"
} >"$BENCH_CACHE/results.md"

for n in $SIZES; do
  build_pair "$n"
  A=$(url "bench_${n}_a")
  B=$(url "bench_${n}_b")
  O=$BENCH_CACHE/out/$n
  log "measuring at $n tables ($RUNS runs each)"
  read -r s_ms s_kb s_cpu < <(measure supaform "$O.supaform.txt" "$SUPAFORM" diff --from "$A" --to "$B")
  read -r m_ms m_kb m_cpu < <(measure migra "$O.migra.sql" "$BENCH_CACHE/venv/bin/migra" --unsafe \
    --with-privileges "${A/postgresql:/postgresql+psycopg2:}" "${B/postgresql:/postgresql+psycopg2:}")
  read -r p_ms p_kb p_cpu < <(measure pg-delta "$O.pgdelta.txt" "$PGDELTA" plan --source "$A" --desired "$B")
  read -r d_ms d_kb d_cpu < <(measure pg_dump "$O.pg_dump.sql" "$PG_DUMP" --schema-only -d "$A")
  s_steps=$(grep -o '^Plan: .*' "$O.supaform.txt" || echo "?")
  m_steps="$(grep -ciE '^(create|alter|drop|grant|revoke)' "$O.migra.sql" || true) statements"
  p_steps="$(sed -n 's/^ *actions: *\([0-9]*\).*/\1/p' "$O.pgdelta.txt.err" | head -n1) actions"
  {
    echo "| $n | \`supaform diff\` | $(fmt_s "$s_ms") | $(fmt_cpu "$s_cpu") | $(fmt_mb "$s_kb") | $s_steps |"
    echo "| $n | migra | $(fmt_s "$m_ms") | $(fmt_cpu "$m_cpu") | $(fmt_mb "$m_kb") | $m_steps |"
    echo "| $n | pg-delta \`plan\` | $(fmt_s "$p_ms") | $(fmt_cpu "$p_cpu") | $(fmt_mb "$p_kb") | $p_steps |"
    echo "| $n | \`pg_dump --schema-only\` (one db) | $(fmt_s "$d_ms") | $(fmt_cpu "$d_cpu") | $(fmt_mb "$d_kb") | — |"
  } >>"$BENCH_CACHE/results.md"
  if [[ ${KEEP:-0} != 1 ]]; then
    "${PSQL[@]}" -d postgres -c "drop database bench_${n}_a" -c "drop database bench_${n}_b"
  fi
done

cat "$BENCH_CACHE/results.md"
