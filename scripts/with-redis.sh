#!/usr/bin/env bash
# with-redis.sh <command...>
#
# Runs <command> against a throwaway Redis (Debian's redis-server) listening on 127.0.0.1 only
# (first free port from 46379 up), no Unix socket, no persistence (no RDB, no AOF), its config,
# log and working directory in a temp directory. Exports for the command:
#   VETAHUT_TEST_REDIS_URL=redis://127.0.0.1:PORT/0
#   VETAHUT_TEST_REDIS_CTL=<script>   `$VETAHUT_TEST_REDIS_CTL stop` takes Redis down (the process
#       exits: the port refuses connections, as when the server crashes or is restarted), `... start`
#       brings it back on the same port — empty, since nothing is persisted — and `... pause MS`
#       makes it hold every client's commands for MS milliseconds (CLIENT PAUSE: a server that
#       accepts but does not answer). Each returns once done. Tests use it to simulate outages.
# The server and the temp directory are always removed on exit; the command's exit code is passed
# through. Servers left behind by a killed earlier run are cleaned up at start.
#
#   scripts/with-redis.sh bash -c 'cd build/ci && ctest -L redis --output-on-failure'
#
# Env: REDIS_SERVER (default: redis-server on PATH), WITH_REDIS_FIRST_PORT (default 46379).
set -euo pipefail

if [[ $# -eq 0 ]]; then
  echo "usage: $0 <command...>" >&2
  exit 2
fi

redis_server=${REDIS_SERVER:-$(command -v redis-server || true)}
redis_cli=$(command -v redis-cli || true)
first_port=${WITH_REDIS_FIRST_PORT:-46379}
tmp_root=${TMPDIR:-/tmp}
if [[ -z "$redis_server" || ! -x "$redis_server" || -z "$redis_cli" ]]; then
  echo "with-redis: redis-server/redis-cli not found (install redis-server: scripts/install-deps.sh --test)" >&2
  exit 2
fi

# Stops the server whose directory is $1 (its pid file names it).
stop_server() {
  local d=$1 pid
  [[ -f "$d/server.pid" ]] || return 0
  pid=$(cat "$d/server.pid" 2>/dev/null || true)
  [[ -n "$pid" ]] || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$d/server.pid"
}

# Remove servers of earlier runs whose script process is gone (e.g. killed with SIGKILL).
for stale in "$tmp_root"/vetahut-redis.*; do
  [[ -d "$stale" && -f "$stale/owner.pid" ]] || continue
  owner=$(cat "$stale/owner.pid" 2>/dev/null || true)
  if [[ -n "$owner" ]] && kill -0 "$owner" 2>/dev/null; then continue; fi
  stop_server "$stale"
  rm -rf "$stale"
done

dir=$(mktemp -d "$tmp_root/vetahut-redis.XXXXXX")
echo $$ >"$dir/owner.pid"
chmod 700 "$dir"
port=""

# shellcheck disable=SC2317  # invoked through trap
cleanup() {
  local rc=$?
  trap - EXIT INT TERM HUP
  if [[ -f "$dir/server.pid" ]]; then
    echo "with-redis: stopping Redis on 127.0.0.1:${port:-?}" >&2
    stop_server "$dir"
  fi
  rm -rf "$dir"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

port_in_use() { [[ -n "$(ss -Hltn "sport = :$1" 2>/dev/null)" ]]; }

# The server in the foreground of its own session (so a Ctrl-C to the test run does not reach it
# before cleanup), its pid recorded; returns once it answers PING, or fails.
start_server() {
  (cd "$dir" && exec setsid "$redis_server" "$dir/redis.conf" >>"$dir/startup.log" 2>&1) &
  echo $! >"$dir/server.pid"
  for _ in $(seq 1 100); do  # up to 10 s
    if [[ "$("$redis_cli" -h 127.0.0.1 -p "$port" --no-auth-warning ping 2>/dev/null)" == PONG ]]; then return 0; fi
    kill -0 "$(cat "$dir/server.pid")" 2>/dev/null || break
    sleep 0.1
  done
  return 1
}

# A port another live server of ours owns, even while it is stopped for an outage test.
port_claimed() {
  local other
  for other in "$tmp_root"/vetahut-redis.*/redis.conf; do
    [[ -f "$other" && "$other" != "$dir/redis.conf" ]] || continue
    grep -qx "port $1" "$other" && return 0
  done
  return 1
}
for ((candidate = first_port; candidate < first_port + 100; candidate++)); do
  port_in_use "$candidate" && continue
  port_claimed "$candidate" && continue
  port=$candidate
  cat >"$dir/redis.conf" <<EOF
bind 127.0.0.1
port $candidate
unixsocket ""
protected-mode yes
daemonize no
dir $dir
logfile $dir/redis.log
save ""
appendonly no
databases 16
EOF
  echo "with-redis: starting Redis on 127.0.0.1:$candidate ($dir)" >&2
  # Another process may grab the port between the check and the bind: then try the next one.
  if start_server; then break; fi
  echo "with-redis: Redis did not start on $candidate:" >&2
  tail -n 5 "$dir/redis.log" >&2 2>/dev/null || true
  stop_server "$dir"
  port=""
done
if [[ -z "$port" ]]; then
  echo "with-redis: could not start Redis on ports $first_port-$((first_port + 99))" >&2
  exit 1
fi

# The outage helper. `stop` ends the process and waits until the port refuses connections; `start`
# runs the same configuration again and waits for PING.
cat >"$dir/ctl" <<EOF
#!/usr/bin/env bash
set -euo pipefail
dir='$dir'
port=$port
case "\${1:-}" in
  stop)
    [[ -f "\$dir/server.pid" ]] || { echo "redis ctl: not running" >&2; exit 1; }
    pid=\$(cat "\$dir/server.pid")
    kill -TERM "\$pid" 2>/dev/null || true
    for _ in \$(seq 1 100); do kill -0 "\$pid" 2>/dev/null || break; sleep 0.05; done
    kill -KILL "\$pid" 2>/dev/null || true
    rm -f "\$dir/server.pid"
    for _ in \$(seq 1 100); do (exec 3<>/dev/tcp/127.0.0.1/\$port) 2>/dev/null || exit 0; sleep 0.05; done
    echo "redis ctl: port \$port still open" >&2; exit 1 ;;
  start)
    [[ ! -f "\$dir/server.pid" ]] || { echo "redis ctl: already running" >&2; exit 1; }
    (cd "\$dir" && exec setsid '$redis_server' "\$dir/redis.conf" >>"\$dir/startup.log" 2>&1) &
    echo \$! >"\$dir/server.pid"
    for _ in \$(seq 1 200); do
      [[ "\$('$redis_cli' -h 127.0.0.1 -p \$port ping 2>/dev/null)" == PONG ]] && exit 0
      sleep 0.05
    done
    echo "redis ctl: Redis did not come back on \$port" >&2; exit 1 ;;
  pause)
    ms=\${2:?usage: \$0 pause MS}
    exec '$redis_cli' -h 127.0.0.1 -p \$port client pause "\$ms" ALL >/dev/null ;;
  *) echo "usage: \$0 stop|start|pause MS" >&2; exit 2 ;;
esac
EOF
chmod +x "$dir/ctl"

export VETAHUT_TEST_REDIS_URL="redis://127.0.0.1:$port/0"
export VETAHUT_TEST_REDIS_CTL="$dir/ctl"
set +e
"$@"
rc=$?
set -e
exit "$rc"
