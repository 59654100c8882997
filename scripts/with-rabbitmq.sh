#!/usr/bin/env bash
# with-rabbitmq.sh <command...>
#
# Runs <command> against a throwaway RabbitMQ listening on 127.0.0.1 only, with its own node name,
# ports (AMQP from 45672 up; the Erlang distribution port, a private epmd and AMQP over TLS right
# after it) and
# its data, log and config in a temp directory. Exports for the command:
#   VETAHUT_TEST_AMQP_URL=amqp://guest:guest@127.0.0.1:PORT/%2f
#   VETAHUT_TEST_AMQPS_URL=amqps://guest:guest@localhost:PORT+3/%2f, VETAHUT_TEST_AMQP_CA=<its CA, PEM>
#   VETAHUT_TEST_AMQP_CTL=<script>   `$VETAHUT_TEST_AMQP_CTL stop` takes the broker down (the
#       rabbit application stops: connections are closed and the port refuses new ones, as when
#       the broker is restarted), `... start` brings it back with its durable queues and
#       persistent messages; both return once done. Tests use it to simulate an outage.
#       `... block` raises a memory alarm (publishers are blocked: no confirms), `... unblock`
#       clears it. `... vhost NAME` creates a virtual host NAME (once) that guest may use.
# The broker, its epmd and the temp directory are always removed on exit; the command's exit code
# is passed through. Brokers left behind by a killed earlier run are cleaned up at start.
#
#   scripts/with-rabbitmq.sh bash -c 'cd build/ci && ctest -L rabbitmq --output-on-failure'
#
# Env: RABBITMQ_LIB (default /usr/lib/rabbitmq/bin), WITH_RABBITMQ_FIRST_PORT (default 45672).
set -euo pipefail

if [[ $# -eq 0 ]]; then
  echo "usage: $0 <command...>" >&2
  exit 2
fi

RABBITMQ_LIB=${RABBITMQ_LIB:-/usr/lib/rabbitmq/bin}
first_port=${WITH_RABBITMQ_FIRST_PORT:-45672}
tmp_root=${TMPDIR:-/tmp}
if [[ ! -x "$RABBITMQ_LIB/rabbitmq-server" ]]; then
  echo "with-rabbitmq: $RABBITMQ_LIB/rabbitmq-server not found (install rabbitmq-server: scripts/install-deps.sh --test)" >&2
  exit 2
fi
epmd_bin=$(command -v epmd || ls /usr/lib/erlang/erts-*/bin/epmd 2>/dev/null | head -n 1 || true)

# Stops the broker whose directory is $1 (its env file names node, ports and pids).
stop_broker() {
  local d=$1
  [[ -f "$d/env.sh" ]] || return 0
  (
    # shellcheck disable=SC1091
    source "$d/env.sh"
    "$RABBITMQ_LIB/rabbitmqctl" -q -t 10 stop >/dev/null 2>&1 || true
    if [[ -f "$d/server.pid" ]]; then
      pid=$(cat "$d/server.pid")
      # The server script's beam child: stop what is left of the process group.
      kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -KILL -- "-$pid" 2>/dev/null || true
    fi
    if [[ -n "$epmd_bin" ]]; then "$epmd_bin" -port "$ERL_EPMD_PORT" -kill >/dev/null 2>&1 || true; fi
  )
}

# Remove brokers of earlier runs whose script process is gone (e.g. killed with SIGKILL).
for stale in "$tmp_root"/vetahut-rabbitmq.*; do
  [[ -d "$stale" && -f "$stale/owner.pid" ]] || continue
  owner=$(cat "$stale/owner.pid" 2>/dev/null || true)
  if [[ -n "$owner" ]] && kill -0 "$owner" 2>/dev/null; then continue; fi
  stop_broker "$stale"
  rm -rf "$stale"
done

dir=$(mktemp -d "$tmp_root/vetahut-rabbitmq.XXXXXX")
echo $$ >"$dir/owner.pid"
chmod 700 "$dir"
started=0
amqp_port=""

# shellcheck disable=SC2317  # invoked through trap
cleanup() {
  local rc=$?
  trap - EXIT INT TERM HUP
  if [[ $started -eq 1 ]]; then
    echo "with-rabbitmq: stopping RabbitMQ on 127.0.0.1:${amqp_port:-?}" >&2
    stop_broker "$dir"
  fi
  rm -rf "$dir"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# Free = no socket at all on it, not only no listener: the Erlang distribution port cannot be
# bound again while the previous run's connections to it are in TIME_WAIT.
port_free() { [[ -z "$(ss -Htan "sport = :$1" 2>/dev/null)" ]]; }
# A port another live broker of ours owns, even while its application is stopped for an outage
# test (the port is closed then, and must not be taken by this one).
port_claimed() {
  local other
  for other in "$tmp_root"/vetahut-rabbitmq.*/env.sh; do
    [[ -f "$other" && "$other" != "$dir/env.sh" ]] || continue
    grep -q "^export RABBITMQ_NODE_PORT=$1\$" "$other" && return 0
  done
  return 1
}

mkdir -p "$dir/mnesia" "$dir/log" "$dir/home"
echo '[].' >"$dir/enabled_plugins"

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

node=""
# A CA of the run's own and a certificate from it for "localhost": the TLS listener (amqps://).
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=vetahut test CA" \
  -keyout "$dir/ca.key" -out "$dir/ca.pem" >/dev/null 2>&1
openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout "$dir/server.key" -out "$dir/server.csr" >/dev/null 2>&1
printf 'subjectAltName=DNS:localhost\n' >"$dir/san.ext"
openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" -CAcreateserial -days 2 \
  -extfile "$dir/san.ext" -out "$dir/server.pem" >/dev/null 2>&1
chmod 0644 "$dir/ca.pem" "$dir/server.pem" "$dir/server.key"
for ((candidate = first_port; candidate < first_port + 400; candidate += 4)); do
  port_free "$candidate" && port_free $((candidate + 1)) && port_free $((candidate + 2)) && port_free $((candidate + 3)) || continue
  port_claimed "$candidate" && continue
  node="vetahut-test-$$-$candidate@localhost"
  cat >"$dir/env.sh" <<EOF
export HOME='$dir/home'
export RABBITMQ_NODENAME='$node'
export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
export RABBITMQ_NODE_PORT=$candidate
export RABBITMQ_DIST_PORT=$((candidate + 1))
export ERL_EPMD_PORT=$((candidate + 2))
export ERL_EPMD_ADDRESS=127.0.0.1
export RABBITMQ_MNESIA_BASE='$dir/mnesia'
export RABBITMQ_LOG_BASE='$dir/log'
export RABBITMQ_CONFIG_FILE='$dir/rabbitmq'
export RABBITMQ_ENABLED_PLUGINS_FILE='$dir/enabled_plugins'
export RABBITMQ_CONF_ENV_FILE='$dir/rabbitmq-env.conf'
export RABBITMQ_ADVANCED_CONFIG_FILE='$dir/advanced.config'
export RABBITMQ_PID_FILE='$dir/rabbit.pid'
export RABBITMQ_USE_LONGNAME=false
EOF
  : >"$dir/rabbitmq-env.conf"
  cat >"$dir/rabbitmq.conf" <<EOF
listeners.tcp.1 = 127.0.0.1:$candidate
listeners.ssl.1 = 127.0.0.1:$((candidate + 3))
ssl_options.cacertfile = $dir/ca.pem
ssl_options.certfile = $dir/server.pem
ssl_options.keyfile = $dir/server.key
ssl_options.verify = verify_none
ssl_options.fail_if_no_peer_cert = false
loopback_users.guest = true
disk_free_limit.absolute = 1MB
log.console = false
log.file.level = warning
EOF
  echo "with-rabbitmq: starting RabbitMQ on 127.0.0.1:$candidate ($dir)" >&2
  started=1
  amqp_port=$candidate
  # shellcheck disable=SC1091
  (source "$dir/env.sh" && cd "$dir" && exec setsid "$RABBITMQ_LIB/rabbitmq-server" >"$dir/log/startup.log" 2>&1) &
  echo $! >"$dir/server.pid"
  ok=0
  for _ in $(seq 1 600); do  # up to 60 s
    if port_open "$candidate"; then ok=1; break; fi
    kill -0 "$(cat "$dir/server.pid")" 2>/dev/null || break
    sleep 0.1
  done
  if [[ $ok -eq 1 ]]; then break; fi
  echo "with-rabbitmq: RabbitMQ did not start on $candidate:" >&2
  tail -n 20 "$dir/log/startup.log" >&2 || true
  stop_broker "$dir"
  node=""
done
if [[ -z "$node" ]]; then
  echo "with-rabbitmq: could not start RabbitMQ on ports $first_port-$((first_port + 399))" >&2
  exit 1
fi

# The outage helper: stop|start the rabbit application (the Erlang node stays up, so it is quick).
cat >"$dir/ctl" <<EOF
#!/usr/bin/env bash
set -euo pipefail
source '$dir/env.sh'
case "\${1:-}" in
  stop) exec '$RABBITMQ_LIB/rabbitmqctl' -q stop_app ;;
  start) '$RABBITMQ_LIB/rabbitmqctl' -q start_app
         for _ in \$(seq 1 300); do (exec 3<>/dev/tcp/127.0.0.1/$amqp_port) 2>/dev/null && exit 0; sleep 0.1; done
         echo "rabbitmq ctl: the AMQP port did not reopen" >&2; exit 1 ;;
  # A memory alarm: the broker stops reading from publishing connections (no confirms), as when
  # it runs out of memory or disk.
  block) exec '$RABBITMQ_LIB/rabbitmqctl' -q set_vm_memory_high_watermark 0 ;;
  unblock) exec '$RABBITMQ_LIB/rabbitmqctl' -q set_vm_memory_high_watermark 0.4 ;;
  # A virtual host of its own for one chain of processes (created once; guest may use it).
  vhost) name=\${2:?usage: \$0 vhost NAME}
         '$RABBITMQ_LIB/rabbitmqctl' -q list_vhosts name | grep -qx "\$name" && exit 0
         '$RABBITMQ_LIB/rabbitmqctl' -q add_vhost "\$name"
         exec '$RABBITMQ_LIB/rabbitmqctl' -q set_permissions -p "\$name" guest '.*' '.*' '.*' ;;
  *) echo "usage: \$0 stop|start|block|unblock|vhost NAME" >&2; exit 2 ;;
esac
EOF
chmod +x "$dir/ctl"

export VETAHUT_TEST_AMQP_URL="amqp://guest:guest@127.0.0.1:$amqp_port/%2f"
# The same broker over TLS, and the CA that signed its certificate (for bus.tls_ca_file).
export VETAHUT_TEST_AMQPS_URL="amqps://guest:guest@localhost:$((amqp_port + 3))/%2f"
export VETAHUT_TEST_AMQP_CA="$dir/ca.pem"
export VETAHUT_TEST_AMQP_CTL="$dir/ctl"
set +e
"$@"
rc=$?
set -e
exit "$rc"
