# lib.sh — set-up shared by the bench scripts (sourced, from the repository root):
# the release binary (built, or brought up to date with the sources; SUPAFORM=path
# overrides), GNU time, psql, a work
# folder removed on exit, the embedded server's admin URL and base URL, and `median`.
export NO_COLOR=1
BIN=${SUPAFORM:-target/release/supaform}
# Always through cargo: a binary older than the sources would measure old code.
[[ -n ${SUPAFORM:-} ]] || cargo build --release --bin supaform
[[ -x /usr/bin/time ]] || apt-get install -y time >/dev/null
PSQL=$(ls /usr/lib/postgresql/*/bin/psql 2>/dev/null | sort -V | tail -1)
PSQL=${PSQL:-psql}

WORK=$(mktemp -d)
chmod 755 "$WORK"
trap 'rm -rf "$WORK"' EXIT
ADMIN=$("$BIN" local start | grep -o 'postgresql://[^ ]*' | head -1 | sed 's#/supaform_local$#/postgres#')
BASE=${ADMIN%/postgres}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
