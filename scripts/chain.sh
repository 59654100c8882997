#!/usr/bin/env bash
# chain.sh [--bin PATH] [--port N] [--no-demo] [-- <command...>]
#
# The platform as a chain on this machine (decisions 0041, 0042): every service its own
# `vetahut serve --target <service>` process — two order replicas, one of every other — on a
# throwaway PostgreSQL (one role and schema per service, deploy/postgres/init-schemas.sql), a
# throwaway RabbitMQ and (when scripts/with-redis.sh exists) Redis, all on 127.0.0.1 with private
# ports and data directories; two gateways (`--target gateway`) behind nginx, the front door.
#
# Without a command it prints the front door's URL and runs until Ctrl-C, then stops everything.
# With a command it runs it against the chain and stops everything after, passing its exit code;
# the command gets:
#   VETAHUT_TEST_CHAIN_URL   the front door (nginx), e.g. http://127.0.0.1:18080
#   VETAHUT_TEST_CHAIN_CTL   `$VETAHUT_TEST_CHAIN_CTL kill order-1` (SIGKILL), `... start order-1`
#                            (again, same port and database), `... stop order-1` (SIGTERM);
#                            `... url order-1` prints a process's own URL; names: location,
#                            customer, menu, payment, kitchen, order-1, order-2, notification,
#                            integration, analytics, gateway-1, gateway-2
#   VETAHUT_TEST_CHAIN_LOGS  the directory of every process's log (<name>.log)
#   VETAHUT_TEST_CHAIN_DB    the PostgreSQL superuser URL (tests read each schema through it)
#   and the engines' own VETAHUT_TEST_PG_URL, VETAHUT_TEST_AMQP_URL/_CTL (and _REDIS_ when present).
#
#   scripts/chain.sh                                  # the chain, with demo data; Ctrl-C stops it
#   scripts/chain.sh --bin build/ci/src/app/vetahut -- ctest -L chain
#
# The end-to-end tests start one chain per test this way (tests/serve_process.hpp, engine "chain"):
#   chain.sh --inside --bin B --db-url postgresql://…/DB --data-dir D --log - --base-port P --port F
# on the engines the test run already has: the database DB gets the services' schemas, RabbitMQ a
# virtual host named DB (kept across restarts of the chain, fresh for each test), every process
# shares the data directory D and writes its log lines to the chain's stderr, and a JSON line
# {"msg":"listening","url":"…"} says where the front door is.
#
# Env: CHAIN_PORT (front door, default 18080; the processes take the 20 ports after 18100, or
# after CHAIN_BASE_PORT).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

bin="" port=${CHAIN_PORT:-18080} demo=1 command=() db_url="" data_dir="" log_to="" base=${CHAIN_BASE_PORT:-18100}
while [[ $# -gt 0 ]]; do
  case "$1" in
    --bin) bin=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    --base-port) base=$2; shift 2 ;;
    --db-url) db_url=$2; shift 2 ;;
    --data-dir) data_dir=$2; shift 2 ;;
    --log) log_to=$2; shift 2 ;;
    --no-demo) demo=0; shift ;;
    --inside) inside=1; shift ;;
    --) shift; command=("$@"); break ;;
    -h|--help) sed -n '2,30p' "$0"; exit 0 ;;
    *) echo "chain: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done

# --- the engines: PostgreSQL, RabbitMQ (and Redis) for the whole run --------------------------
if [[ -z "${inside:-}" ]]; then
  if [[ -z "$bin" ]]; then
    if [[ ! -x build/release/src/app/vetahut ]]; then
      echo "==> chain: building vetahut (release)"
      scripts/build.sh release vetahut
    fi
    bin=build/release/src/app/vetahut
  fi
  wrappers=(scripts/with-postgres.sh scripts/with-rabbitmq.sh)
  [[ -x scripts/with-redis.sh ]] && wrappers+=(scripts/with-redis.sh)
  args=(--inside --bin "$(realpath "$bin")" --port "$port")
  [[ $demo == 0 ]] && args+=(--no-demo)
  exec "${wrappers[@]}" "$0" "${args[@]}" -- "${command[@]}"
fi

: "${VETAHUT_TEST_PG_URL:?chain: no PostgreSQL (run scripts/chain.sh, not --inside)}"
: "${VETAHUT_TEST_AMQP_URL:?chain: no RabbitMQ}"
db_url=${db_url:-$VETAHUT_TEST_PG_URL}
amqp_url=$VETAHUT_TEST_AMQP_URL
if [[ "$db_url" != "$VETAHUT_TEST_PG_URL" ]]; then
  # A chain of its own: a virtual host named after its database, so no other chain's events reach it.
  vhost=$(sed -E 's|^.*/([^/?]*)(\?.*)?$|\1|' <<<"$db_url")
  "${VETAHUT_TEST_AMQP_CTL:?chain: no RabbitMQ control script}" vhost "$vhost" >/dev/null
  amqp_url="${VETAHUT_TEST_AMQP_URL%/*}/$vhost"
fi
dir=$(mktemp -d "${TMPDIR:-/tmp}/vetahut-chain.XXXXXX")
chmod 0711 "$dir"
mkdir -p "$dir/logs" "$dir/pids" "$dir/env"
log() { echo "chain: $*" >&2; }

# --- one role and schema per service ----------------------------------------------------------
services=(location customer menu payment kitchen order notification integration analytics)
token=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
for s in "${services[@]}"; do
  export "VH_PG_PASSWORD_${s^^}=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
done
psql -q -v ON_ERROR_STOP=1 "$db_url" -f deploy/postgres/init-schemas.sql >"$dir/logs/init-schemas.log" 2>&1 \
  || { cat "$dir/logs/init-schemas.log" >&2; log "creating the services' roles and schemas failed"; exit 1; }
pg_hostport=$(sed -E 's|^postgresql://[^@]*@([^/]*)/.*$|\1|' <<<"$db_url")
pg_db=$(sed -E 's|^.*/([^/?]*)(\?.*)?$|\1|' <<<"$db_url")

# --- who runs where ---------------------------------------------------------------------------
declare -A port_of target_of
n=1
for name in location customer menu payment kitchen order-1 order-2 notification integration analytics gateway-1 gateway-2; do
  port_of[$name]=$((base + n))
  target_of[$name]=${name%-[0-9]}
  n=$((n + 1))
done
url_of() { echo "http://127.0.0.1:${port_of[$1]}"; }
clients_env=()
for s in "${services[@]}"; do
  if [[ $s == order ]]; then
    clients_env+=("VETAHUT_CLIENTS_ORDER=$(url_of order-1),$(url_of order-2)")
  else
    clients_env+=("VETAHUT_CLIENTS_${s^^}=$(url_of "$s")")
  fi
done

# The environment of one process, written to a file the control script reuses to restart it.
for name in "${!port_of[@]}"; do
  target=${target_of[$name]}
  {
    echo "VETAHUT_LOG_LEVEL=${VETAHUT_LOG_LEVEL:-info}"
    echo "VETAHUT_CLIENTS_SERVICE_TOKEN=$token"
    echo "VETAHUT_RATELIMIT_TRUST_FORWARDED_FOR=true"
    printf '%s\n' "${clients_env[@]}"
    [[ -n "${VETAHUT_TEST_REDIS_URL:-}" ]] && echo "VETAHUT_CACHE_URL=$VETAHUT_TEST_REDIS_URL"
    if [[ $target == gateway ]]; then
      echo "VETAHUT_DB_URL=sqlite::memory:"
      echo "VETAHUT_AUTH_JWKS_URL=$(url_of customer)/.well-known/jwks.json"
      echo "VETAHUT_APP_WEB_DIR=$root/web/dist"
    else
      pw_var="VH_PG_PASSWORD_${target^^}"
      echo "VETAHUT_DB_URL=postgresql://vh_$target:${!pw_var}@$pg_hostport/$pg_db"
      echo "VETAHUT_BUS_URL=$amqp_url"
      [[ $target != customer ]] && echo "VETAHUT_AUTH_JWKS_URL=$(url_of customer)/.well-known/jwks.json"
    fi
  } >"$dir/env/$name"
  mkdir -p "$dir/data/$name"
  # One data directory for all (the tests read notification files and the lake there).
  [[ -n "$data_dir" ]] && rm -rf "$dir/data/$name" && ln -s "$(realpath "$data_dir")" "$dir/data/$name"
done

# --- the control script: start, stop, kill one process ----------------------------------------
cat >"$dir/ctl" <<EOF
#!/usr/bin/env bash
# chain control: ctl start|stop|kill|url|wait NAME
set -euo pipefail
dir=$dir bin=$bin demo=$demo log_to=$log_to
declare -A port_of=($(for k in "${!port_of[@]}"; do printf '[%s]=%s ' "$k" "${port_of[$k]}"; done))
declare -A target_of=($(for k in "${!target_of[@]}"; do printf '[%s]=%s ' "$k" "${target_of[$k]}"; done))
name=\${2:?usage: ctl start|stop|kill|url|wait NAME}
[[ -n "\${port_of[\$name]:-}" ]] || { echo "chain: no process '\$name'" >&2; exit 2; }
url="http://127.0.0.1:\${port_of[\$name]}"
wait_ready() {
  for _ in \$(seq 1 600); do
    curl -sf -o /dev/null "\$url/readyz" && return 0
    if ! kill -0 "\$(cat "\$dir/pids/\$name")" 2>/dev/null; then
      echo "chain: \$name stopped while starting; its log:" >&2; tail -n 30 "\$dir/logs/\$name.log" >&2 2>/dev/null; return 1
    fi
    sleep 0.1
  done
  echo "chain: \$name is not ready after 60 s; its log:" >&2; tail -n 30 "\$dir/logs/\$name.log" >&2; return 1
}
case "\$1" in
  start)
    args=(serve --target "\${target_of[\$name]}" --listen "127.0.0.1:\${port_of[\$name]}" --data-dir "\$dir/data/\$name")
    [[ \$demo == 1 && \${target_of[\$name]} != gateway ]] && args+=(--demo)
    # In the chain's process group, whoever runs this (a test restarting a process): killing the
    # chain's group then takes it along, as it takes the rest.
    run=(python3 -c 'import os, sys; os.setpgid(0, int(sys.argv[1])); os.execv(sys.argv[2], sys.argv[2:])' "\$(cat "\$dir/pgid")" "\$bin")
    if [[ "\$log_to" == - ]]; then
      # One file the chain forwards to its own stderr, whoever runs this (never a test runner's
      # pipe, which a process it started would hold open).
      ( set -a; . "\$dir/env/\$name"; set +a; exec "\${run[@]}" "\${args[@]}" ) >>"\$dir/logs/all.log" 2>&1 &
    else
      ( set -a; . "\$dir/env/\$name"; set +a; exec "\${run[@]}" "\${args[@]}" ) >>"\$dir/logs/\$name.log" 2>&1 &
    fi
    echo \$! >"\$dir/pids/\$name"
    wait_ready ;;
  wait) wait_ready ;;
  stop|kill)
    pid=\$(cat "\$dir/pids/\$name" 2>/dev/null || true)
    [[ -n "\$pid" ]] || exit 0
    kill -\$([[ \$1 == kill ]] && echo KILL || echo TERM) "\$pid" 2>/dev/null || true
    for _ in \$(seq 1 200); do kill -0 "\$pid" 2>/dev/null || break; sleep 0.05; done
    rm -f "\$dir/pids/\$name" ;;
  url) echo "\$url" ;;
  *) echo "usage: ctl start|stop|kill|url|wait NAME" >&2; exit 2 ;;
esac
EOF
chmod +x "$dir/ctl"

ps -o pgid= -p $$ | tr -d ' ' >"$dir/pgid"
tail_pid=""
if [[ "$log_to" == - ]]; then
  : >"$dir/logs/all.log"
  tail -n +1 -F "$dir/logs/all.log" >&2 2>/dev/null &
  tail_pid=$!
fi
nginx_pid=""
cleanup() {
  local code=$?
  trap - EXIT INT TERM
  set +e
  [[ -n "$nginx_pid" ]] && kill "$nginx_pid" 2>/dev/null
  [[ -n "$tail_pid" ]] && (sleep 0.3; kill "$tail_pid" 2>/dev/null) &
  for f in "$dir"/pids/*; do
    [[ -e "$f" ]] && kill -TERM "$(cat "$f")" 2>/dev/null
  done
  for f in "$dir"/pids/*; do
    [[ -e "$f" ]] || continue
    pid=$(cat "$f")
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  if [[ $code != 0 && -z "${CHAIN_QUIET:-}" ]]; then
    log "logs kept in $dir/logs"
  else
    rm -rf "$dir"
  fi
  exit "$code"
}
trap cleanup EXIT
# Asked to stop, the chain stops cleanly (0), as `vetahut serve` does; a command it runs that is
# interrupted is another matter (130).
if [[ ${#command[@]} -gt 0 ]]; then trap 'exit 130' INT TERM; else trap 'exit 0' INT TERM; fi

# --- start: the store directory first (others read stores at start), the identity service (its
# keys sign every token), then the rest; the gateways last ----------------------------------------
start_all() {
  local name pids=()
  for name in "$@"; do
    "$dir/ctl" start "$name" &
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p" || return 1; done
}
log "starting the services on PostgreSQL ($pg_hostport), RabbitMQ and ${VETAHUT_TEST_REDIS_URL:+Redis, }logs in $dir/logs"
start_all location
start_all customer
start_all menu payment kitchen
start_all order-1 order-2 notification integration analytics
start_all gateway-1 gateway-2

# --- nginx, the front door --------------------------------------------------------------------
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
mkdir -p "$dir/nginx"
# The front door's configuration is compose's (deploy/nginx/chain.conf), with this run's addresses.
sed -e "s|gateway-1:8080|127.0.0.1:${port_of[gateway-1]}|; s|gateway-2:8080|127.0.0.1:${port_of[gateway-2]}|" \
    -e "s|^\( *\)listen 8080;|\1listen 127.0.0.1:$port;|" deploy/nginx/chain.conf >"$dir/nginx/vetahut.conf"
grep -q "listen 127.0.0.1:$port;" "$dir/nginx/vetahut.conf" || { log "deploy/nginx/chain.conf has no 'listen 8080;'"; exit 1; }
cat >"$dir/nginx/nginx.conf" <<EOF
worker_processes 1;
pid $dir/nginx/nginx.pid;
error_log $dir/logs/nginx.error.log;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $dir/nginx/client_body;
  proxy_temp_path $dir/nginx/proxy;
  fastcgi_temp_path $dir/nginx/fastcgi;
  uwsgi_temp_path $dir/nginx/uwsgi;
  scgi_temp_path $dir/nginx/scgi;
  include $dir/nginx/vetahut.conf;
}
EOF
"$nginx_bin" -q -p "$dir/nginx" -c "$dir/nginx/nginx.conf" -g 'daemon off;' >>"$dir/logs/nginx.log" 2>&1 &
nginx_pid=$!
front="http://127.0.0.1:$port"
for _ in $(seq 1 100); do curl -sf -o /dev/null "$front/healthz" && break; sleep 0.1; done
curl -sf -o /dev/null "$front/healthz" || { cat "$dir/logs/nginx.error.log" >&2; log "nginx did not start"; exit 1; }

export VETAHUT_TEST_CHAIN_URL=$front VETAHUT_TEST_CHAIN_CTL=$dir/ctl VETAHUT_TEST_CHAIN_LOGS=$dir/logs
export VETAHUT_TEST_CHAIN_DB=$VETAHUT_TEST_PG_URL
if [[ ${#command[@]} -gt 0 ]]; then
  log "running: ${command[*]}"
  set +e
  "${command[@]}"
  code=$?
  set -e
  exit $code
fi
echo "{\"msg\":\"listening\",\"url\":\"$front\",\"target\":\"chain\",\"ctl\":\"$dir/ctl\"}" >&2
echo "veta_hut chain is running: open $front/  (12 processes behind nginx; logs in $dir/logs; Ctrl-C to stop)"
while kill -0 "$nginx_pid" 2>/dev/null; do sleep 1; done
log "nginx stopped"
exit 1
