#!/usr/bin/env bash
# with-postgres.sh <command...>
#
# Runs <command> against a throwaway PostgreSQL 15 listening on 127.0.0.1 (first free port from
# 55432 up), with a fresh database `vetahut_test` and trust authentication on loopback only.
# Exports VETAHUT_TEST_PG_URL=postgresql://postgres@127.0.0.1:PORT/vetahut_test for the command.
# The server and its temp directory are always removed on exit; the command's exit code is passed
# through. Servers left behind by a killed earlier run are cleaned up at start.
#
#   scripts/with-postgres.sh ctest -L postgres --output-on-failure
#
# Env: PG_BIN (default /usr/lib/postgresql/15/bin), WITH_POSTGRES_FIRST_PORT (default 55432),
#      PG_SERVER_OPTIONS (more server options, e.g. "-c shared_preload_libraries=pg_stat_statements").
set -euo pipefail

if [[ $# -eq 0 ]]; then
  echo "usage: $0 <command...>" >&2
  exit 2
fi

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
first_port=${WITH_POSTGRES_FIRST_PORT:-55432}
tmp_root=${TMPDIR:-/tmp}
if [[ ! -x "$PG_BIN/initdb" ]]; then
  echo "with-postgres: $PG_BIN/initdb not found (install postgresql-15 or set PG_BIN)" >&2
  exit 2
fi

# initdb and postgres refuse to run as root: run them as the postgres OS user then.
as_pg=()
if [[ $(id -u) -eq 0 ]]; then
  as_pg=(runuser -u postgres --)
fi
pg() { (cd / && "${as_pg[@]}" "$@"); }

# Remove servers of earlier runs whose script process is gone (e.g. killed with SIGKILL).
for stale in "$tmp_root"/vetahut-pg.*; do
  [[ -d "$stale" && -f "$stale/owner.pid" ]] || continue
  owner=$(cat "$stale/owner.pid" 2>/dev/null || true)
  if [[ -n "$owner" ]] && kill -0 "$owner" 2>/dev/null; then continue; fi
  if [[ -f "$stale/data/postmaster.pid" ]]; then
    pg "$PG_BIN/pg_ctl" -D "$stale/data" stop -m immediate -w >/dev/null 2>&1 || true
  fi
  rm -rf "$stale"
done

dir=$(mktemp -d "$tmp_root/vetahut-pg.XXXXXX")
echo $$ >"$dir/owner.pid"
port=""
started=0

# shellcheck disable=SC2317  # invoked through trap
cleanup() {
  local rc=$?
  trap - EXIT INT TERM HUP
  if [[ $started -eq 1 ]]; then
    if [[ -n "$port" ]]; then echo "with-postgres: stopping PostgreSQL on 127.0.0.1:$port" >&2; fi
    pg "$PG_BIN/pg_ctl" -D "$dir/data" stop -m fast -w >/dev/null 2>&1 ||
      pg "$PG_BIN/pg_ctl" -D "$dir/data" stop -m immediate -w >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

if [[ ${#as_pg[@]} -gt 0 ]]; then
  chown postgres: "$dir"
fi
chmod 700 "$dir"

if ! pg "$PG_BIN/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --no-instructions \
  >"$dir/initdb.log" 2>&1; then
  echo "with-postgres: initdb failed:" >&2
  cat "$dir/initdb.log" >&2
  exit 1
fi
# Trust, but only over the server's own socket directory and IPv4 loopback.
cat >"$dir/data/pg_hba.conf" <<'EOF'
local all all trust
host all all 127.0.0.1/32 trust
EOF
if [[ ${#as_pg[@]} -gt 0 ]]; then
  chown postgres: "$dir/data/pg_hba.conf"
fi

port_in_use() {
  [[ -n "$(ss -Hltn "sport = :$1" 2>/dev/null)" ]] ||
    "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$1" -t 1 >/dev/null 2>&1
}

announced=0
for ((candidate = first_port; candidate < first_port + 100; candidate++)); do
  port_in_use "$candidate" && continue
  if [[ $announced -eq 0 ]]; then
    echo "with-postgres: starting PostgreSQL 15 on 127.0.0.1:$candidate ($dir)" >&2
    announced=1
  fi
  started=1  # from here on, cleanup stops whatever may be running
  port=$candidate
  # Another process may grab the port between the check and the bind: then try the next one.
  if pg "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start \
    -o "-c listen_addresses=127.0.0.1 -p $candidate -k $dir -c fsync=on ${PG_SERVER_OPTIONS:-}" >/dev/null 2>&1; then
    break
  fi
  # pg_ctl may give up while the postmaster still runs; make sure it is gone before retrying.
  pg "$PG_BIN/pg_ctl" -D "$dir/data" stop -m immediate -w >/dev/null 2>&1 || true
  port=""
done
if [[ -z "$port" ]]; then
  echo "with-postgres: could not start PostgreSQL on ports $first_port-$((first_port + 99)):" >&2
  tail -n 20 "$dir/server.log" >&2 2>/dev/null || true
  exit 1
fi

pg "$PG_BIN/createdb" -h 127.0.0.1 -p "$port" -U postgres vetahut_test

export VETAHUT_TEST_PG_URL="postgresql://postgres@127.0.0.1:$port/vetahut_test"
set +e
"$@"
rc=$?
set -e
exit "$rc"
