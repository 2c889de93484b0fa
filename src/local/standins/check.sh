#!/usr/bin/env bash
# Checks the stand-in extensions of this directory against a real server.
#
# Builds a private PostgreSQL installation tree in a temporary directory (the recipe of
# README.md: the postgres executable copied, everything else symlinked to the system's
# installation, share/extension a real directory holding the system's extension files
# plus the stand-ins), initdb's and starts a server from it, checks that the server's
# SHAREDIR/PKGLIBDIR are the private tree's and that contrib extensions still install,
# then runs every fixture tests/fixtures/standins/<ext>.sql in a fresh database with
# psql -v ON_ERROR_STOP=1, reports pass/fail per extension and cleans up.
#
# Usage: src/local/standins/check.sh [ext ...]       (default: every fixture)
# Environment: PG_BIN (default /usr/lib/postgresql/15/bin), PORT (default 54998),
#              KEEP=1 to keep the temporary directory and the server's log.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../../.." && pwd)
FIXTURES=${FIXTURES:-$REPO/tests/fixtures/standins}
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
PORT=${PORT:-54998}
KEEP=${KEEP:-0}
OS_USER=postgres

# The directories the executable was built for. pg_config knows them; without it, fall
# back to Debian's layout.
if [ -x "$PG_BIN/pg_config" ]; then
  BINDIR=$("$PG_BIN/pg_config" --bindir)
  SHAREDIR=$("$PG_BIN/pg_config" --sharedir)
  PKGLIBDIR=$("$PG_BIN/pg_config" --pkglibdir)
else
  MAJOR=$("$PG_BIN/postgres" --version | sed -E 's/.* ([0-9]+)[.].*/\1/')
  BINDIR=/usr/lib/postgresql/$MAJOR/bin
  SHAREDIR=/usr/share/postgresql/$MAJOR
  PKGLIBDIR=/usr/lib/postgresql/$MAJOR/lib
fi

WORK=$(mktemp -d /var/tmp/supaform-standins.XXXXXX)
TREE=$WORK/tree
DATA=$WORK/data
SOCK=$WORK/sock
LOG=$WORK/server.log
chmod 755 "$WORK"

as_pg() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u "$OS_USER" -- "$@"
  else
    "$@"
  fi
}

cleanup() {
  local rc=$?
  if [ -f "$DATA/postmaster.pid" ]; then
    as_pg "$PG_BIN/pg_ctl" -D "$DATA" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  if [ "$KEEP" = 1 ]; then
    echo "kept $WORK"
  else
    rm -rf "$WORK"
  fi
  exit $rc
}
trap cleanup EXIT

# 0. The stand-ins' files themselves: the comment that marks them, the real
#    default_version with its install script, and no shared library anywhere.
fail=0
for control in "$HERE"/*.control; do
  ext=$(basename "$control" .control)
  version=$(sed -nE "s/^default_version *= *'([^']+)'.*/\1/p" "$control")
  script=$HERE/$ext--$version.sql
  if ! grep -qxF "comment = 'supaform stand-in of $ext $version: objects without behaviour'" "$control"; then
    echo "FAIL  $ext: control file lacks comment = 'supaform stand-in of $ext $version: objects without behaviour'"; fail=1
  fi
  if grep -qE '^ *module_pathname' "$control"; then
    echo "FAIL  $ext: control file names a module"; fail=1
  fi
  if [ ! -f "$script" ]; then
    echo "FAIL  $ext: no install script $(basename "$script")"; fail=1
  elif grep -nE "MODULE_PATHNAME|\\\$libdir|LANGUAGE +'?c'?( |$|;)" -i "$script" | grep -v -- '--' >/dev/null; then
    echo "FAIL  $ext: $(basename "$script") refers to a shared library"; fail=1
  fi
done

# 1. The private tree: the three directories at their own paths below $TREE, so that
#    postgres' relative lookup (bin -> ../../../share/postgresql/15, bin -> ../lib)
#    lands in the tree.
mkdir -p "$TREE$BINDIR" "$TREE$SHAREDIR/extension" "$(dirname "$TREE$PKGLIBDIR")"
# postgres resolves the symlinks of its own path (find_my_exec), so it must be a real
# file here: a hard link when the file system allows it, a copy otherwise.
if ln "$BINDIR/postgres" "$TREE$BINDIR/postgres" 2>/dev/null; then
  HOW=hard-linked
else
  cp -p "$BINDIR/postgres" "$TREE$BINDIR/postgres"
  HOW=copied
fi
ln -s "$PKGLIBDIR" "$TREE$PKGLIBDIR"
for entry in "$SHAREDIR"/*; do
  name=$(basename "$entry")
  [ "$name" = extension ] || ln -s "$entry" "$TREE$SHAREDIR/$name"
done
for f in "$SHAREDIR"/extension/*; do
  ln -s "$f" "$TREE$SHAREDIR/extension/"
done
standins=()
for f in "$HERE"/*.control "$HERE"/*--*.sql; do
  name=$(basename "$f")
  rm -f "$TREE$SHAREDIR/extension/$name"   # a stand-in replaces a system file of that name
  install -m 644 "$f" "$TREE$SHAREDIR/extension/$name"
  case $name in *.control) standins+=("${name%.control}");; esac
done
echo "private tree: $TREE (postgres $HOW, $(du -k "$TREE$BINDIR/postgres" | cut -f1) KiB; stand-ins: ${standins[*]})"

# 2. initdb (the system's: initdb reads only the share files, which are the same) and
#    start the tree's postgres.
mkdir -p "$SOCK"
if [ "$(id -u)" -eq 0 ]; then chown -R "$OS_USER" "$WORK"; fi
as_pg "$PG_BIN/initdb" -D "$DATA" -U postgres -A trust -E UTF8 --no-sync >"$WORK/initdb.log" 2>&1 \
  || { cat "$WORK/initdb.log"; exit 1; }
as_pg "$TREE$BINDIR/postgres" -D "$DATA" -p "$PORT" -k "$SOCK" -c listen_addresses= \
  -c fsync=off -c synchronous_commit=off -c full_page_writes=off >"$LOG" 2>&1 &
for _ in $(seq 1 100); do
  "$PG_BIN/pg_isready" -q -h "$SOCK" -p "$PORT" && break
  sleep 0.1
done
"$PG_BIN/pg_isready" -q -h "$SOCK" -p "$PORT" || { cat "$LOG"; exit 1; }

PSQL=("$PG_BIN/psql" -X -q -h "$SOCK" -p "$PORT" -U postgres -v ON_ERROR_STOP=1)

# 3. The server's own view of its installation.
paths=$("${PSQL[@]}" -d postgres -Atc \
  "select name || '=' || setting from pg_config where name in ('BINDIR','SHAREDIR','PKGLIBDIR') order by name")
echo "$paths" | sed 's/^/  /'
for want in "BINDIR=$TREE$BINDIR" "SHAREDIR=$TREE$SHAREDIR" "PKGLIBDIR=$TREE$PKGLIBDIR"; do
  grep -qx "$want" <<<"$paths" || { echo "FAIL  server paths: expected $want"; fail=1; }
done

# 4. Contrib still installs (their .so are found through the symlinked lib directory).
"${PSQL[@]}" -d postgres -c "create database contrib_check"
if "${PSQL[@]}" -d contrib_check >"$WORK/contrib.out" 2>&1 <<'SQL'
create schema extensions;
create extension pgcrypto with schema extensions;
create extension "uuid-ossp" with schema extensions;
create extension pg_trgm with schema extensions;
create extension citext with schema extensions;
select extensions.digest('x', 'sha256') is not null,
       extensions.uuid_generate_v4() is not null,
       extensions.similarity('word', 'words') > 0,
       'A'::extensions.citext = 'a'::extensions.citext;
SQL
then
  echo "PASS  contrib (pgcrypto, uuid-ossp, pg_trgm, citext)"
else
  echo "FAIL  contrib"; sed 's/^/      /' "$WORK/contrib.out"; fail=1
fi

# 5. Cluster-wide, as supaform's bootstrap: the API roles.
"${PSQL[@]}" -d postgres <<'SQL'
do $$
begin
  if not exists (select from pg_roles where rolname = 'anon') then
    create role anon nologin noinherit;
  end if;
  if not exists (select from pg_roles where rolname = 'authenticated') then
    create role authenticated nologin noinherit;
  end if;
  if not exists (select from pg_roles where rolname = 'service_role') then
    create role service_role nologin noinherit bypassrls;
  end if;
  if not exists (select from pg_roles where rolname = 'authenticator') then
    create role authenticator login noinherit;
  end if;
end
$$;
grant anon, authenticated, service_role to authenticator;
alter role postgres set search_path to "$user", public, extensions;
SQL

# 6. The fixtures, each in a fresh database prepared as supaform prepares one.
if [ $# -gt 0 ]; then
  names=("$@")
else
  names=()
  for f in "$FIXTURES"/*.sql; do names+=("$(basename "$f" .sql)"); done
fi
for ext in "${names[@]}"; do
  fixture=$FIXTURES/$ext.sql
  db="fx_${ext//[^a-zA-Z0-9_]/_}"
  out=$WORK/$ext.out
  if [ ! -f "$fixture" ]; then
    echo "FAIL  $ext: no fixture $fixture"; fail=1; continue
  fi
  "${PSQL[@]}" -d postgres -c "create database $db"
  if "${PSQL[@]}" -d "$db" -c "create schema if not exists extensions;
                             grant usage on schema extensions to anon, authenticated, service_role;" \
       -f "$HERE/supabase_platform_graphql.sql" >"$out" 2>&1 \
     && "${PSQL[@]}" -d "$db" -f "$fixture" >>"$out" 2>&1; then
    echo "PASS  $ext"
  else
    echo "FAIL  $ext"; sed 's/^/      /' "$out" | tail -n 25; fail=1
  fi
done

if [ $fail -ne 0 ]; then
  echo "some checks failed"
  exit 1
fi
echo "all checks passed"
