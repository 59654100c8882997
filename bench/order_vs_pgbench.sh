#!/usr/bin/env bash
# Benchmark: order placement through `vetahut serve` — on SQLite and on PostgreSQL, and through the
# chain's front door (scripts/chain.sh) — side by side with pgbench running the equivalent
# order-insert transactions on the same PostgreSQL server, in one run (docs/benchmarks.md, "Order
# placement vs pgbench" and "Order placement: the chain vs the all-in-one"). Everything runs on
# 127.0.0.1 with a throwaway PostgreSQL 15 (scripts/with-postgres.sh; with the chain also a
# throwaway RabbitMQ, scripts/with-rabbitmq.sh) and temporary data directories, which are removed
# on exit. It is a benchmark, not a test: it is never run from ctest.
#
# Usage: bench/order_vs_pgbench.sh [--duration S] [--rounds N] [--connections C] [--threads T]
#          [--warmup S] [--payments "pay_at_store card"] [--backends "sqlite postgres chain"] [--no-build]
# Environment (flags win):
#   DURATION=10       seconds per measured run (each vetahut run and the pgbench run)
#   ROUNDS=1          measured rounds; each round runs every vetahut variant, then pgbench
#   CONNECTIONS=8     concurrent clients: wrk -c, pgbench -c
#   THREADS=2         load-generator threads: wrk -t, pgbench -j
#   WARMUP=2          seconds of warm-up per variant, not measured
#   PAYMENTS="pay_at_store card"  payment methods measured through vetahut (pgbench models pay_at_store)
#   BACKENDS="sqlite postgres"    vetahut back-ends measured: sqlite and postgres are the all-in-one
#                     `vetahut serve --demo`; chain is scripts/chain.sh (every service its own process,
#                     two order replicas, RabbitMQ, two gateways behind nginx) on its own database of
#                     the same PostgreSQL, measured through nginx (BACKENDS="postgres chain" compares
#                     the two on PostgreSQL: the cost of the hops)
#   NO_BUILD=1        skip scripts/build.sh (use the existing build/release binary)
#
# Runs, per round: wrk against POST /api/v1/orders of vetahut on SQLite (one run per payment
# method), the same against vetahut on PostgreSQL (and against the chain), then pgbench with
# bench/order_vs_pgbench/order_placement.sql. Any response other than 201 fails the run; after each
# run the ids of all acknowledged orders are looked up in the database (all must be stored and
# confirmed), and the next run starts once the outboxes are relayed and the consumers' queues are
# empty. Prints a table with orders/s, p50/p99 latency, the counts, vetahut/pgbench and, with both
# postgres and chain, chain/all-in-one.
#
# Note: the load generators share the CPUs with the server under test (and with PostgreSQL); on a
# 2-core machine absolute numbers are far below what dedicated hardware gives. Compare ratios.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT="$PWD"

DURATION="${DURATION:-10}"
ROUNDS="${ROUNDS:-1}"
CONNECTIONS="${CONNECTIONS:-8}"
THREADS="${THREADS:-2}"
WARMUP="${WARMUP:-2}"
PAYMENTS="${PAYMENTS:-pay_at_store card}"
BACKENDS="${BACKENDS:-sqlite postgres}"
NO_BUILD="${NO_BUILD:-0}"
ARGS=("$@")

BENCH_NAME=order_vs_pgbench
# shellcheck source=bench/lib.sh
source bench/lib.sh  # the script has cd-ed to the repository root

while (($#)); do
  case "$1" in
    --duration) DURATION="$2"; shift 2 ;;
    --rounds) ROUNDS="$2"; shift 2 ;;
    --connections) CONNECTIONS="$2"; shift 2 ;;
    --threads) THREADS="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    --payments) PAYMENTS="$2"; shift 2 ;;
    --backends) BACKENDS="$2"; shift 2 ;;
    --no-build) NO_BUILD=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "order_vs_pgbench: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done

require_positive_ints DURATION ROUNDS CONNECTIONS THREADS WARMUP
((THREADS <= CONNECTIONS)) || die "THREADS ($THREADS) must not exceed CONNECTIONS ($CONNECTIONS)"
for p in $PAYMENTS; do
  [[ "$p" == pay_at_store || "$p" == card ]] || die "PAYMENTS: unknown payment method '$p' (pay_at_store, card)"
done
for b in $BACKENDS; do
  [[ "$b" == sqlite || "$b" == postgres || "$b" == chain ]] || die "BACKENDS: unknown back-end '$b' (sqlite, postgres, chain)"
done
CHAIN=0
[[ " $BACKENDS " == *" chain "* ]] && CHAIN=1
[[ -n "${PAYMENTS// /}" && -n "${BACKENDS// /}" ]] || die "PAYMENTS and BACKENDS must not be empty"

# --- prerequisites -----------------------------------------------------------------------------
PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
for tool in wrk curl ss python3 psql; do
  command -v "$tool" >/dev/null || die "'$tool' not found; run scripts/install-deps.sh --test"
done
PGBENCH="$PG_BIN/pgbench"
[[ -x "$PGBENCH" ]] || PGBENCH="$(command -v pgbench || true)"
[[ -n "$PGBENCH" && -x "$PGBENCH" ]] || die "'pgbench' not found (Debian: postgresql-15 ships it in $PG_BIN)"
[[ -x "$PG_BIN/initdb" ]] || die "$PG_BIN/initdb not found (install postgresql-15 or set PG_BIN)"
BENCH_DIR="$ROOT/bench/order_vs_pgbench"
LUA="$BENCH_DIR/place_order.lua"
PGB_SQL="$BENCH_DIR/order_placement.sql"
[[ -f "$LUA" && -f "$PGB_SQL" ]] || die "helper files missing under $BENCH_DIR"
if ((CHAIN)); then
  [[ -x scripts/chain.sh && -x scripts/with-rabbitmq.sh ]] || die "BACKENDS has chain: scripts/chain.sh and scripts/with-rabbitmq.sh are needed"
  command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]] || die "BACKENDS has chain: nginx not found (scripts/install-deps.sh --test)"
  [[ -x "${RABBITMQ_LIB:-/usr/lib/rabbitmq/bin}/rabbitmq-server" ]] || die "BACKENDS has chain: rabbitmq-server not found (scripts/install-deps.sh --test)"
fi

# --- build, then re-run inside a throwaway PostgreSQL ------------------------------------------
VETAHUT="$ROOT/build/release/src/app/vetahut"
if [[ -z "${ORDER_BENCH_INNER:-}" ]]; then
  if [[ "$NO_BUILD" != "1" ]]; then
    echo "==> building vetahut: scripts/build.sh release vetahut (a first build takes minutes)"
    build_log="$(mktemp "${TMPDIR:-/tmp}/vetahut-order-bench-build.XXXXXX")"
    if ! scripts/build.sh release vetahut >"$build_log" 2>&1; then
      tail -n 40 "$build_log" >&2
      rm -f "$build_log"
      die "build failed (scripts/build.sh release vetahut)"
    fi
    rm -f "$build_log"
  fi
  [[ -x "$VETAHUT" ]] || die "$VETAHUT not found; run scripts/build.sh release vetahut"
  # The chain needs RabbitMQ too (and Redis when scripts/with-redis.sh exists, as chain.sh does).
  wrappers=(scripts/with-postgres.sh)
  if ((CHAIN)); then
    wrappers+=(scripts/with-rabbitmq.sh)
    [[ -x scripts/with-redis.sh ]] && wrappers+=(scripts/with-redis.sh)
    echo "==> starting a throwaway PostgreSQL 15 and RabbitMQ (${wrappers[*]})"
  else
    echo "==> starting a throwaway PostgreSQL 15 (scripts/with-postgres.sh)"
  fi
  exec env ORDER_BENCH_INNER=1 DURATION="$DURATION" ROUNDS="$ROUNDS" CONNECTIONS="$CONNECTIONS" \
    THREADS="$THREADS" WARMUP="$WARMUP" PAYMENTS="$PAYMENTS" BACKENDS="$BACKENDS" NO_BUILD=1 \
    "${wrappers[@]}" "$BASH" "$0" "${ARGS[@]}"
fi
[[ -n "${VETAHUT_TEST_PG_URL:-}" ]] || die "VETAHUT_TEST_PG_URL is not set (run without ORDER_BENCH_INNER)"
if ((CHAIN)); then
  [[ -n "${VETAHUT_TEST_AMQP_URL:-}" && -n "${VETAHUT_TEST_AMQP_CTL:-}" ]] ||
    die "BACKENDS has chain but VETAHUT_TEST_AMQP_URL/_CTL are not set (run without ORDER_BENCH_INNER)"
fi
[[ -x "$VETAHUT" ]] || die "$VETAHUT not found; run scripts/build.sh release vetahut"
# postgresql://postgres@127.0.0.1:PORT/vetahut_test -> the same server, other databases.
PG_SERVER_URL="${VETAHUT_TEST_PG_URL%/*}"
VETAHUT_PG_URL="$PG_SERVER_URL/order_bench_vetahut"
PGBENCH_PG_URL="$PG_SERVER_URL/order_bench_pgbench"
# The chain's own database (chain.sh gives it the services' roles and schemas, and RabbitMQ a
# virtual host of the same name). Its tables are in vh_<service>: the checks below read them with
# the search path set, so their unqualified order_*/payment_* names resolve.
CHAIN_PG_URL="$PG_SERVER_URL/order_bench_chain"
CHAIN_SQL_URL="$CHAIN_PG_URL?options=-csearch_path%3Dvh_order,vh_payment"

db_url() {  # name -> the URL the SQL checks read that back-end's tables through (not sqlite)
  case "$1" in
    postgres) echo "$VETAHUT_PG_URL" ;;
    chain) echo "$CHAIN_SQL_URL" ;;
    *) die "db_url: no PostgreSQL database for '$1'" ;;
  esac
}

# --- temp dir and cleanup ----------------------------------------------------------------------
TMP="$(mktemp -d "${TMPDIR:-/tmp}/vetahut-order-bench.XXXXXX")"
declare -A SERVER_PID=()
CHAIN_PGID=""  # the chain runs in a process group of its own (setsid): stopped as a whole
LOAD_PID=""
# shellcheck disable=SC2317  # invoked through the EXIT trap
cleanup() {
  local rc=$? pid
  for pid in $LOAD_PID "${SERVER_PID[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  if [[ -n "$CHAIN_PGID" ]]; then kill -TERM -- "-$CHAIN_PGID" 2>/dev/null || true; fi
  for pid in $LOAD_PID "${SERVER_PID[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  # chain.sh has stopped its processes (SIGKILL after 5 s); anything of the group still there goes.
  if [[ -n "$CHAIN_PGID" ]]; then kill -KILL -- "-$CHAIN_PGID" 2>/dev/null || true; fi
  rm -rf "$TMP"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

psql_at() {  # url sql... -> unaligned, tuples only
  local url=$1; shift
  psql -X -q -At -v ON_ERROR_STOP=1 "$url" "$@"
}

# --- ports -------------------------------------------------------------------------------------

# --- small helpers -----------------------------------------------------------------------------
json_get() {  # key: read JSON on stdin, print the top-level value of key
  python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"
}

# api name method path token body expected-status -> prints the response body
api() {
  local name=$1 method=$2 path=$3 token=$4 body=$5 expect=$6 out status
  out="$TMP/api.$RANDOM.json"
  local -a hdr=(-H 'Content-Type: application/json')
  [[ -n "$token" ]] && hdr+=(-H "Authorization: Bearer $token")
  [[ "$method" == POST && "$path" == /api/v1/orders ]] && hdr+=(-H "Idempotency-Key: setup-$RANDOM-$RANDOM")
  status=$(curl -s -o "$out" -w '%{http_code}' -X "$method" "${hdr[@]}" --data-binary "$body" "${BASE_URL[$name]}$path") ||
    die "$name: $method $path failed (curl)"
  [[ "$status" == "$expect" ]] || { cat "$out" >&2; echo >&2; die "$name: $method $path answered $status, expected $expect"; }
  cat "$out"
}

token_for() {  # name email password
  curl -sf "${BASE_URL[$1]}/api/v1/auth/token" --data-urlencode grant_type=password \
    --data-urlencode "username=$2" --data-urlencode "password=$3" | json_get access_token ||
    die "$1: could not sign in as $2"
}

# --- vetahut servers ---------------------------------------------------------------------------
declare -A BASE_URL=() STORE_ID=() CUSTOMER_TOKEN=() DATA_DIR=()
declare -a CHAIN_URLS=()  # the chain's service processes (their /metrics)
start_vetahut() {  # name
  local name=$1 port _ log
  port=$(free_port $((18090 + ${#SERVER_PID[@]})))
  TAKEN="$TAKEN $port"
  DATA_DIR[$name]="$TMP/$name-data"
  mkdir -p "${DATA_DIR[$name]}"
  chmod 0700 "${DATA_DIR[$name]}"
  log="$TMP/$name.log"
  # The per-client rate limit is off: wrk on loopback is every client at once.
  local -a env_vars=(VETAHUT_AUTH_ACCESS_TOKEN_TTL_S=3600 VETAHUT_LOG_LEVEL=warn VETAHUT_RATELIMIT_ENABLED=false)
  [[ "$name" == postgres ]] && env_vars+=(VETAHUT_DB_URL="$VETAHUT_PG_URL")
  env "${env_vars[@]}" "$VETAHUT" serve --demo --listen "127.0.0.1:$port" --data-dir "${DATA_DIR[$name]}" \
    >"$log" 2>&1 &
  SERVER_PID[$name]=$!
  BASE_URL[$name]="http://127.0.0.1:$port"
  for _ in $(seq 1 200); do
    curl -sf -o /dev/null "${BASE_URL[$name]}/readyz" && return 0
    kill -0 "${SERVER_PID[$name]}" 2>/dev/null || { tail -n 20 "$log" >&2; die "vetahut ($name) exited during start-up (log above)"; }
    sleep 0.1
  done
  tail -n 20 "$log" >&2
  die "vetahut ($name) was not ready within 20 s (log above)"
}

# The chain: scripts/chain.sh --inside on the engines this script runs in (with-postgres.sh,
# with-rabbitmq.sh), its own database on the same PostgreSQL, its processes on 12 ports from a free
# block, nginx (its front door) on another; demo data on (the demo accounts). Its processes inherit
# this environment: no per-client rate limit (wrk on loopback is every client at once) and tokens
# that outlive the run. Its temp directory (logs, pids) is under $TMP.
start_chain() {
  local port base log ctl n _
  port=$(free_port 18180)
  TAKEN="$TAKEN $port"
  base=$(free_port_block 18200 13)  # chain.sh takes base+1 … base+12
  TAKEN="$TAKEN $(seq -s ' ' "$base" $((base + 12)))"
  DATA_DIR[chain]="$TMP/chain-data"
  mkdir -p "${DATA_DIR[chain]}" "$TMP/chain-tmp"
  chmod 0700 "${DATA_DIR[chain]}"
  log="$TMP/chain.log"
  psql_at "$VETAHUT_TEST_PG_URL" -c "CREATE DATABASE order_bench_chain"
  VETAHUT_RATELIMIT_ENABLED=false VETAHUT_AUTH_ACCESS_TOKEN_TTL_S=3600 TMPDIR="$TMP/chain-tmp" \
    setsid scripts/chain.sh --inside --bin "$VETAHUT" --db-url "$CHAIN_PG_URL" --data-dir "${DATA_DIR[chain]}" \
    --port "$port" --base-port "$base" >"$log" 2>&1 &
  SERVER_PID[chain]=$!
  # setsid made it a process group leader unless it had to fork; only then is the group its own.
  [[ "$(ps -o pgid= -p "${SERVER_PID[chain]}" 2>/dev/null | tr -d ' ')" == "${SERVER_PID[chain]}" ]] &&
    CHAIN_PGID=${SERVER_PID[chain]}
  BASE_URL[chain]="http://127.0.0.1:$port"
  for _ in $(seq 1 3000); do  # 12 processes on a busy 2-core machine: up to 5 minutes
    grep -q '"msg":"listening"' "$log" && break
    kill -0 "${SERVER_PID[chain]}" 2>/dev/null || break
    sleep 0.1
  done
  if ! grep -q '"msg":"listening"' "$log" || ! curl -sf -o /dev/null "${BASE_URL[chain]}/readyz"; then
    tail -n 30 "$log" >&2
    for f in "$TMP"/chain-tmp/vetahut-chain.*/logs/*.log; do
      [[ -s "$f" ]] && { echo "--- ${f##*/}" >&2; tail -n 5 "$f" >&2; }
    done
    die "the chain did not come up (chain.sh's output and the processes' logs above)"
  fi
  ctl=$(echo "$TMP"/chain-tmp/vetahut-chain.*/ctl)
  [[ -x "$ctl" ]] || die "the chain's control script was not found under $TMP/chain-tmp"
  CHAIN_URLS=()
  for n in location customer menu payment kitchen order-1 order-2 notification integration analytics; do
    CHAIN_URLS+=("$("$ctl" url "$n")") || die "the chain's control script does not know '$n'"
  done
  echo "    chain: front door ${BASE_URL[chain]} (nginx), processes on ports $((base + 1))-$((base + 12))"
}

# A 24/7 carry-out store in Chicago with sales tax, as tests/order_test.cpp's Boot fixture makes
# it (the demo stores may be closed when the benchmark runs), and the demo customer's token.
setup_store() {  # name
  local name=$1 admin store week="" day
  admin=$(token_for "$name" admin@demo.vetahut.test demo-admin-password)
  store=$(api "$name" POST /api/v1/stores "$admin" '{"name":"Veta Hut Bench","address":{"line1":"233 S Wacker Dr",
    "city":"Chicago","region":"IL","postal_code":"60606","country":"US"},"latitude":41.8781,"longitude":-87.6359,
    "timezone":"America/Chicago","phone":"+13125550199","services":["delivery","carryout"],"currency":"USD",
    "locale":"en-US"}' 201 | json_get id)
  STORE_ID[$name]=$store
  for day in sunday monday tuesday wednesday thursday friday saturday; do
    week+="${week:+,}{\"day\":\"$day\",\"open\":\"00:00\",\"close\":\"24:00\"}"
  done
  api "$name" PUT "/api/v1/stores/$store/hours" "$admin" \
    "{\"delivery\":{\"weekly\":[$week]},\"carryout\":{\"weekly\":[$week]}}" 200 >/dev/null
  api "$name" PUT "/api/v1/stores/$store/zones" "$admin" '{"zones":[{"name":"Loop 3 km",
    "fee":{"amount":299,"currency":"USD"},"minimum_order":{"amount":1000,"currency":"USD"},"estimate_minutes":30,
    "center":{"latitude":41.8781,"longitude":-87.6359},"radius_m":3000}]}' 200 >/dev/null
  api "$name" PUT "/api/v1/stores/$store/slot-rules" "$admin" \
    '{"length_minutes":15,"lead_time_minutes":0,"capacity":1}' 200 >/dev/null
  api "$name" PUT "/api/v1/stores/$store/tax" "$admin" '{"mode":"exclusive","rates":{"food":8875,"beverage":8875}}' 204 >/dev/null
  CUSTOMER_TOKEN[$name]=$(token_for "$name" customer@demo.vetahut.test demo-customer-password)
}

body_file() {  # name payment -> path of the order body for that server and payment method
  local name=$1 payment=$2 file="$TMP/body.$1.$2.json" pay card
  if [[ ! -f "$file" ]]; then
    if [[ "$payment" == card ]]; then
      # A card the customer saved: a one-off token pays for one order only (within 30 minutes).
      # The number is the sandbox provider's public test card (it approves), sent once to the
      # tokenizing route; the platform keeps only the token and last4, and the bench writes only
      # the token (the end-to-end test CardNumbersNeverReachTheDatabaseOrTheLog checks both sides).
      card=$(api "$name" POST /api/v1/payments/tokens "${CUSTOMER_TOKEN[$name]}" \
        '{"number":"4242424242424242","exp_month":12,"exp_year":2099,"cvc":"123","save":true}' 201 | json_get token)
      pay="{\"method\":\"card\",\"token\":\"$card\"}"
    else
      pay='{"method":"pay_at_store"}'
    fi
    printf '{"store_id":"%s","type":"carryout","payment":%s,"items":[{"product_id":"cheese_pizza","size":"large","quantity":1}]}' \
      "${STORE_ID[$name]}" "$pay" >"$file"
  fi
  echo "$file"
}

# trial_order name payment -> the status of one order placed by hand. The chain's services hear of
# the new store and its hours, zones and tax through the bus: there the order is tried again for up
# to a minute while it is refused.
trial_order() {
  local name=$1 body out status tries=1 i
  body=$(body_file "$name" "$2")
  [[ "$name" == chain ]] && tries=120
  for ((i = 1; i <= tries; i++)); do
    out="$TMP/trial.$name.$i.json"
    status=$(curl -s -o "$out" -w '%{http_code}' -H 'Content-Type: application/json' \
      -H "Authorization: Bearer ${CUSTOMER_TOKEN[$name]}" -H "Idempotency-Key: trial-$RANDOM-$RANDOM" \
      --data-binary "@$body" "${BASE_URL[$name]}/api/v1/orders") || status=000
    if [[ "$status" == 201 ]]; then
      ((i == 1)) || echo "    ($name: the trial order was accepted after $((i - 1)) refusals; the first: $(head -c 200 "$TMP/trial.$name.1.json"))" >&2
      json_get status <"$out"
      return
    fi
    ((i < tries)) && sleep 0.5
  done
  cat "$out" >&2; echo >&2
  die "vetahut ($name, $2): a trial order answered $status, expected 201"
}

# --- counting what is stored -------------------------------------------------------------------
# orders_in_db name -> number of orders of the bench store
orders_in_db() {
  if [[ "$1" != sqlite ]]; then
    psql_at "$(db_url "$1")" -c "SELECT count(*) FROM order_orders WHERE store_id = '${STORE_ID[$1]}'"
  else
    python3 - "${DATA_DIR[$1]}/vetahut.db" "${STORE_ID[$1]}" <<'EOF'
import sqlite3, sys
db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True, timeout=30)
print(db.execute("SELECT count(*) FROM order_orders WHERE store_id = ?", (sys.argv[2],)).fetchone()[0])
EOF
  fi
}

# Orders cut off when wrk stops (sent, never answered) may still be committing: wait until the
# count stops moving.
settled_orders() {  # name
  local prev cur _
  prev=$(orders_in_db "$1")
  for _ in $(seq 1 20); do
    sleep 0.3
    cur=$(orders_in_db "$1")
    [[ "$cur" == "$prev" ]] && { echo "$cur"; return; }
    prev=$cur
  done
  echo "$cur"
}

# The outbox relay publishes events after the placement's transactions commit (one UPDATE, that is
# one commit, per event): events not yet relayed are work vetahut still owes for the run.
outbox_backlog() {  # name -> unsent events in order_outbox + payment_outbox
  local sql="SELECT (SELECT count(*) FROM order_outbox WHERE sent_at IS NULL) + (SELECT count(*) FROM payment_outbox WHERE sent_at IS NULL)"
  if [[ "$1" != sqlite ]]; then
    psql_at "$(db_url "$1")" -c "$sql"
  else
    python3 -c 'import sqlite3, sys
db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True, timeout=30)
print(db.execute(sys.argv[2]).fetchone()[0])' "${DATA_DIR[$1]}/vetahut.db" "$sql"
  fi
}

# drain_outbox name -> sets BACKLOG (unsent when the load stopped) and DRAIN (seconds until 0)
drain_outbox() {
  local t0 n
  BACKLOG=$(outbox_backlog "$1")
  t0=$(date +%s.%N)
  n=$BACKLOG
  while ((n > 0)); do
    awk -v t0="$t0" -v now="$(date +%s.%N)" 'BEGIN {exit !(now - t0 > 120)}' &&
      die "vetahut ($1): the outbox still holds $n unsent events 120 s after the run"
    sleep 0.2
    n=$(outbox_backlog "$1")
  done
  DRAIN=$(awk -v t0="$t0" -v now="$(date +%s.%N)" -v b="$BACKLOG" 'BEGIN {printf "%.1f", (b > 0) ? now - t0 : 0}')
}

# Events the consuming modules have not handled yet: bus_queue_depth summed over the /metrics of
# the back-end's processes (the all-in-one's in-process queues; the chain's RabbitMQ queues, read by
# each service process). The next run starts once they are empty, so that one run's catching-up
# does not slow the next.
queue_depth() {  # name
  local -a urls=()
  if [[ "$1" == chain ]]; then urls=("${CHAIN_URLS[@]}"); else urls=("${BASE_URL[$1]}"); fi
  local u
  for u in "${urls[@]}"; do
    curl -sf --max-time 10 "$u/metrics" || echo "bus_queue_depth{unreadable} 1"
  done | awk '/^bus_queue_depth[{ ]/ {s += $NF} END {printf "%d", s}'
}

# settle_queues name -> sets QUEUED (events waiting when the outbox was drained) and QEMPTY_AT (when
# every queue was empty, date +%s.%N)
settle_queues() {
  local t0 n
  QUEUED=$(queue_depth "$1")
  t0=$(date +%s.%N)
  n=$QUEUED
  while ((n > 0)); do
    awk -v t0="$t0" -v now="$(date +%s.%N)" 'BEGIN {exit !(now - t0 > 180)}' &&
      die "vetahut ($1): $n events still wait in the consumers' queues 180 s after the run"
    sleep 0.2
    n=$(queue_depth "$1")
  done
  QEMPTY_AT=$(date +%s.%N)
}

# acked_check name ids-file -> "<acked> <stored> <confirmed>": of the acknowledged ids, how many
# are stored, and how many are stored as confirmed
acked_check() {
  if [[ "$1" != sqlite ]]; then
    psql_at "$(db_url "$1")" <<EOF
CREATE TEMP TABLE acked (id TEXT PRIMARY KEY);
\\copy acked FROM '$2'
SELECT (SELECT count(*) FROM acked) || ' ' || count(o.id) || ' ' || count(*) FILTER (WHERE o.status = 'confirmed')
  FROM acked a LEFT JOIN order_orders o ON o.id = a.id;
EOF
  else
    python3 - "${DATA_DIR[$1]}/vetahut.db" "$2" <<'EOF'
import sqlite3, sys
db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True, timeout=30)
ids = [l.strip() for l in open(sys.argv[2]) if l.strip()]
status = {}
for i in range(0, len(ids), 500):
    chunk = ids[i:i + 500]
    q = "SELECT id, status FROM order_orders WHERE id IN (%s)" % ",".join("?" * len(chunk))
    status.update(db.execute(q, chunk).fetchall())
print(len(set(ids)), len(status), sum(1 for s in status.values() if s == "confirmed"))
EOF
  fi
}

# PostgreSQL-side cost: write transactions (xids) and WAL bytes, cluster-wide.
pg_counters() {  # -> "<xid> <wal lsn bytes>"
  psql_at "$VETAHUT_TEST_PG_URL" -c \
    "SELECT pg_current_xact_id()::text::bigint || ' ' || (pg_current_wal_lsn() - '0/0'::pg_lsn)::bigint"
}

# --- load generators ---------------------------------------------------------------------------
ms() { awk -v us="$1" 'BEGIN {printf "%.2fms", us / 1000}'; }

# run_wrk name payment seconds tag -> sets RPS P50 P99 CREATED TIMEOUTS IDS
run_wrk() {
  local name=$1 payment=$2 secs=$3 tag=$4 out rc=0 body non201 sockerr lat
  body=$(body_file "$name" "$payment")
  out="$TMP/wrk.$tag.txt"
  IDS="$TMP/ids.$tag.txt"
  ORDER_BENCH_IDS_FILE="$IDS" wrk -t"$THREADS" -c"$CONNECTIONS" -d"${secs}s" --timeout 10s --latency -s "$LUA" \
    "${BASE_URL[$name]}/api/v1/orders" -- "${CUSTOMER_TOKEN[$name]}" "$body" "$tag" >"$out" 2>&1 &
  LOAD_PID=$!
  wait "$LOAD_PID" || rc=$?
  LOAD_PID=""
  ((rc == 0)) || { cat "$out" >&2; die "wrk against vetahut ($name, $payment) failed (exit $rc)"; }
  RPS=$(awk '/^Requests\/sec:/ {print $2}' "$out")
  CREATED=$(awk '$1 == "ORDERS_CREATED" {print $2}' "$out")
  non201=$(awk '$1 == "ORDERS_NON201" {print $2}' "$out")
  lat=$(awk '$1 == "LATENCY_US" {print $2, $4}' "$out")
  [[ -n "$RPS" && -n "$CREATED" && -n "$non201" && -n "$lat" ]] || { cat "$out" >&2; die "could not parse wrk's output ($name, $payment)"; }
  if ((non201 > 0)); then
    cat "$out" >&2
    die "vetahut ($name, $payment) answered $non201 non-201 responses (first: $(sed -n 's/^ORDERS_FIRST_ERROR //p' "$out"))"
  fi
  sockerr=$(grep -E '^ *Socket errors' "$out" || true)
  TIMEOUTS=0
  if [[ -n "$sockerr" ]]; then
    local c r w t
    read -r c r w t < <(sed -E 's/.*connect ([0-9]+), read ([0-9]+), write ([0-9]+), timeout ([0-9]+).*/\1 \2 \3 \4/' <<<"$sockerr")
    ((c + r + w == 0)) || { cat "$out" >&2; die "wrk saw socket errors against vetahut ($name, $payment)"; }
    TIMEOUTS=$t
    echo "    warning: $name/$payment: $t requests timed out (10 s)" >&2
  fi
  ((CREATED > 0)) || die "vetahut ($name, $payment) acknowledged no order"
  P50=$(ms "${lat% *}")
  P99=$(ms "${lat#* }")
}

PGB_RUN=0
# run_pgbench seconds tag -> sets RPS P50 P99 CREATED
run_pgbench() {
  local secs=$1 tag=$2 out rc=0 failed
  PGB_RUN=$((PGB_RUN + 1))
  out="$TMP/pgbench.$tag.txt"
  mkdir -p "$TMP/pgblog.$tag"
  (cd "$TMP/pgblog.$tag" &&
    exec "$PGBENCH" -n -M extended -c "$CONNECTIONS" -j "$THREADS" -T "$secs" -f "$PGB_SQL" \
      -D run="$PGB_RUN" -D n=0 "${PGB_VARS[@]}" -l --log-prefix=pgb \
      "$PGBENCH_PG_URL") >"$out" 2>&1 &
  LOAD_PID=$!
  wait "$LOAD_PID" || rc=$?
  LOAD_PID=""
  ((rc == 0)) || { cat "$out" >&2; die "pgbench failed (exit $rc)"; }
  RPS=$(awk '/^tps = .*without initial connection time/ {print $3}' "$out")
  CREATED=$(awk -F': *' '/^number of transactions actually processed/ {print $2}' "$out" | awk -F/ '{print $1}')
  failed=$(awk -F': *' '/^number of failed transactions/ {print $2}' "$out" | awk '{print $1}')
  [[ -n "$RPS" && -n "$CREATED" ]] || { cat "$out" >&2; die "could not parse pgbench's output"; }
  [[ -z "$failed" || "$failed" == 0 ]] || { cat "$out" >&2; die "pgbench reported $failed failed transactions"; }
  grep -q 'aborted' "$out" && { cat "$out" >&2; die "pgbench clients aborted"; }
  # Latency percentiles from the per-transaction log (field 3: the script's elapsed time in µs).
  local -a pct
  read -r -a pct < <(cat "$TMP/pgblog.$tag"/pgb.* | awk '{print $3}' | sort -n |
    awk '{a[NR] = $1} END {i50 = int(NR * 0.50); i99 = int(NR * 0.99); if (i50 < 1) i50 = 1; if (i99 < 1) i99 = 1; print NR, a[i50], a[i99]}')
  ((pct[0] == CREATED)) || echo "    warning: pgbench logged ${pct[0]} transactions, reported $CREATED" >&2
  P50=$(ms "${pct[1]}")
  P99=$(ms "${pct[2]}")
  rm -rf "$TMP/pgblog.$tag"
}

pgbench_orders() { psql_at "$PGBENCH_PG_URL" -c "SELECT count(*) FROM order_orders"; }

# pgbench_payloads name order-id: the -D variables of order_placement.sql, copied from an order
# vetahut placed (its rows, events and outbox envelopes), so pgbench writes rows of the real sizes.
declare -a PGB_VARS=()
pgbench_payloads() {
  local name=$1 id=$2 sql k v
  [[ "$id" =~ ^ord_[0-9A-Za-z]+$ ]] || die "unexpected order id '$id'"
  local where="WHERE id = '$id'" subject="envelope LIKE '%\"subject\":\"$id\"%'"
  sql="SELECT 'store', store_id FROM order_orders $where
UNION ALL SELECT 'bdate', business_date FROM order_orders $where
UNION ALL SELECT 'subject', placed_by FROM order_orders $where
UNION ALL SELECT 'now', created_at FROM order_orders $where
UNION ALL SELECT 'later', promised_at FROM order_orders $where
UNION ALL SELECT 'now_us', CAST(payment_deadline - 600000000 AS TEXT) FROM order_orders $where
UNION ALL SELECT 'deadline_us', CAST(payment_deadline AS TEXT) FROM order_orders $where
UNION ALL SELECT 'never', CAST(saga_next_at AS TEXT) FROM order_orders $where
UNION ALL SELECT 'quote', quote FROM order_orders $where
UNION ALL SELECT 'hash', request_hash FROM order_orders $where
UNION ALL SELECT 'subtotal', CAST(subtotal AS TEXT) FROM order_orders $where
UNION ALL SELECT 'tax_total', CAST(tax_total AS TEXT) FROM order_orders $where
UNION ALL SELECT 'total', CAST(total AS TEXT) FROM order_orders $where
UNION ALL SELECT 'loyalty_basis', CAST(loyalty_basis AS TEXT) FROM order_orders $where
UNION ALL SELECT 'ev1_data', data FROM order_events WHERE order_id = '$id' AND seq = 1
UNION ALL SELECT 'ev2_data', data FROM order_events WHERE order_id = '$id' AND seq = 2
UNION ALL SELECT 'now_ms', CAST(created_at AS TEXT) FROM order_outbox WHERE type = 'com.vetahut.order.placed' AND $subject
UNION ALL SELECT 'placed_env', envelope FROM order_outbox WHERE type = 'com.vetahut.order.placed' AND $subject
UNION ALL SELECT 'changed_env', envelope FROM order_outbox WHERE type = 'com.vetahut.order.status_changed' AND $subject
UNION ALL SELECT 'confirmed_env', envelope FROM order_outbox WHERE type = 'com.vetahut.order.confirmed' AND $subject
UNION ALL SELECT 'due_env', envelope FROM payment_outbox WHERE type = 'com.vetahut.payment.due' AND $subject"
  if [[ "$name" != sqlite ]]; then
    psql_at "$(db_url "$name")" -F $'\t' -c "$sql" >"$TMP/pgbench.vars"
  else
    python3 -c 'import sqlite3, sys
db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True, timeout=30)
for k, v in db.execute(sys.argv[2]):
    print(f"{k}\t{v}")' "${DATA_DIR[$name]}/vetahut.db" "$sql" >"$TMP/pgbench.vars"
  fi
  PGB_VARS=()
  while IFS=$'\t' read -r k v; do PGB_VARS+=(-D "$k=$v"); done <"$TMP/pgbench.vars"
  ((${#PGB_VARS[@]} == 42)) || { cat "$TMP/pgbench.vars" >&2; die "could not read the payloads of order $id ($name)"; }
}

# --- machine and CPU check ---------------------------------------------------------------------
CPU_MODEL=$(awk -F': *' '/^model name/ {print $2; exit}' /proc/cpuinfo 2>/dev/null || true)
MACHINE="$(nproc) cores, Linux $(uname -r), CPU: ${CPU_MODEL:-unknown}"

# --- set up ------------------------------------------------------------------------------------
PG_VERSION=$(psql_at "$VETAHUT_TEST_PG_URL" -c "SHOW server_version" | awk '{print $1}')
PG_SETTINGS=$(psql_at "$VETAHUT_TEST_PG_URL" -c \
  "SELECT string_agg(name || '=' || setting, ' ' ORDER BY name) FROM pg_settings
   WHERE name IN ('fsync', 'synchronous_commit', 'wal_sync_method', 'shared_buffers', 'max_connections')")
psql_at "$VETAHUT_TEST_PG_URL" -c "CREATE DATABASE order_bench_vetahut" -c "CREATE DATABASE order_bench_pgbench"

# pgbench writes into vetahut's own tables: `vetahut migrate` creates them in its database.
echo "==> pgbench database: vetahut migrate (the real order_*/payment_* tables)"
mkdir -p "$TMP/migrate-data"
VETAHUT_DB_URL="$PGBENCH_PG_URL" "$VETAHUT" migrate --data-dir "$TMP/migrate-data" >"$TMP/migrate.log" 2>&1 ||
  { cat "$TMP/migrate.log" >&2; die "vetahut migrate failed against $PGBENCH_PG_URL"; }

for b in $BACKENDS; do
  if [[ "$b" == chain ]]; then
    echo "==> the chain: scripts/chain.sh --inside (every service its own process, RabbitMQ, nginx), demo data, a 24/7 bench store"
    start_chain
  else
    echo "==> vetahut on $b: serve --demo, a 24/7 bench store, the demo customer signed in"
    start_vetahut "$b"
  fi
  setup_store "$b"
  for p in $PAYMENTS; do
    # One order by hand first: it must be 201 and confirmed before any load.
    status=$(trial_order "$b" "$p")
    [[ "$status" == confirmed ]] || die "vetahut ($b, $p): a trial order came back '$status', not confirmed"
  done
  if ((${#PGB_VARS[@]} == 0)); then
    # pgbench's payloads: the rows of a pay_at_store order placed here.
    order_id=$(api "$b" POST /api/v1/orders "${CUSTOMER_TOKEN[$b]}" "$(cat "$(body_file "$b" pay_at_store)")" 201 | json_get id)
    pgbench_payloads "$b" "$order_id"
  fi
done
# pgbench: one trial transaction, so a broken script fails before any measurement.
PGB_SQL_ORDERS_BEFORE=$(pgbench_orders)
"$PGBENCH" -n -M extended -c 1 -t 1 -f "$PGB_SQL" -D run=0 -D n=0 "${PGB_VARS[@]}" \
  "$PGBENCH_PG_URL" >"$TMP/pgbench.trial.txt" 2>&1 || { cat "$TMP/pgbench.trial.txt" >&2; die "pgbench's trial transaction failed"; }
(($(pgbench_orders) == PGB_SQL_ORDERS_BEFORE + 1)) || die "pgbench's trial transaction stored no order"

BUSY_BEFORE=$(busy_cpu_percent)
if ((BUSY_BEFORE > 10)); then
  echo "    warning: the machine is ${BUSY_BEFORE}% busy before the run; results will be noisy" >&2
  { ps -eo pcpu=,comm= --sort=-pcpu 2>/dev/null | awk '$2 != "ps"' | head -n 3 | sed 's/^/      /' >&2; } || true
fi

# Variants, in the order they run in each round: the back-ends one after the other per payment
# method, so that the runs compared with each other (chain and all-in-one) are next to each other in
# time, whatever else the machine is doing.
declare -a VARIANTS=()
for p in $PAYMENTS; do for b in $BACKENDS; do VARIANTS+=("$b/$p"); done; done
VARIANTS+=("pgbench")

echo "==> order placement: vetahut (wrk -t$THREADS -c$CONNECTIONS) vs pgbench (-c$CONNECTIONS -j$THREADS -M extended), ${DURATION}s per run, $ROUNDS round(s), ${WARMUP}s warm-up each"
echo "    vetahut: release build, serve --demo, defaults (io_threads = cores, worker_threads 8, db.pool_size 8)"
((CHAIN)) && echo "    chain: scripts/chain.sh --inside, the same binary: 10 service processes (2 order replicas), 2 gateways, nginx, RabbitMQ ($VETAHUT_TEST_AMQP_URL)"
echo "    PostgreSQL $PG_VERSION on 127.0.0.1 ($PG_SETTINGS)"
echo "    pgbench: bench/order_vs_pgbench/order_placement.sql (the pay_at_store placement's 3 transactions)"
echo "    machine: $MACHINE"

# --- warm-up -----------------------------------------------------------------------------------
for v in "${VARIANTS[@]}"; do
  echo "warm-up: $v ${WARMUP}s"
  if [[ "$v" == pgbench ]]; then
    run_pgbench "$WARMUP" "warm-$v"
  else
    run_wrk "${v%/*}" "${v#*/}" "$WARMUP" "warm-${v/\//-}"
    drain_outbox "${v%/*}"
    settle_queues "${v%/*}"
  fi
done

# --- measure -----------------------------------------------------------------------------------
declare -A R_RPS=() R_P50=() R_P99=() R_OK=() R_STORED=() R_XID=() R_WAL=() R_BACKLOG=() R_DRAIN=() R_SUST=() R_ALL=()
for ((r = 1; r <= ROUNDS; r++)); do
  for v in "${VARIANTS[@]}"; do
    echo "round $r/$ROUNDS: $v …"
    if [[ "$v" == pgbench ]]; then
      before=$(pgbench_orders)
      read -r xid0 wal0 < <(pg_counters)
      run_pgbench "$DURATION" "r$r-pgbench"
      read -r xid1 wal1 < <(pg_counters)
      after=$(pgbench_orders)
      stored=$((after - before))
      ((stored == CREATED)) || die "pgbench: $CREATED transactions processed but $stored orders stored"
      BACKLOG="-"; DRAIN="-"; CATCHUP=0
    else
      name=${v%/*}
      payment=${v#*/}
      before=$(settled_orders "$name")
      [[ "$name" != sqlite ]] && read -r xid0 wal0 < <(pg_counters)
      run_wrk "$name" "$payment" "$DURATION" "r$r-$name-$payment"
      load_stopped=$(date +%s.%N)
      drain_outbox "$name"
      after=$(settled_orders "$name")
      [[ "$name" != sqlite ]] && read -r xid1 wal1 < <(pg_counters)
      stored=$((after - before))
      read -r acked found confirmed < <(acked_check "$name" "$IDS")
      ((acked == CREATED)) || die "$v: wrk counted $CREATED 201s but recorded $acked order ids"
      ((found == acked)) || die "$v: $((acked - found)) of $acked acknowledged orders are NOT in the database"
      ((confirmed == acked)) || die "$v: $((acked - confirmed)) of $acked acknowledged orders are not confirmed"
      # Requests in flight when wrk stopped were never answered but may have been stored.
      cut=$((stored - CREATED))
      ((cut >= 0 && cut <= CONNECTIONS + TIMEOUTS)) ||
        die "$v: $stored orders stored during the run for $CREATED acknowledged (in flight at most $((CONNECTIONS + TIMEOUTS)))"
      # The consumers (kitchen, loyalty, notifications, analytics …) catch up before the next run.
      settle_queues "$name"
      # How long after the load stopped the back-end was done: every event relayed and handled.
      CATCHUP=$(awk -v e="$QEMPTY_AT" -v t="$load_stopped" -v q="$QUEUED" -v d="$DRAIN" \
        'BEGIN {printf "%.1f", (q > 0) ? e - t : d}')
    fi
    key="$r|$v"
    R_RPS[$key]=$RPS; R_P50[$key]=$P50; R_P99[$key]=$P99; R_OK[$key]=$CREATED; R_STORED[$key]=$stored
    R_BACKLOG[$key]=$BACKLOG; R_DRAIN[$key]=$DRAIN
    # With the relay's catching-up included: orders acknowledged / (run + time to drain the outbox).
    R_SUST[$key]=$(awk -v n="$CREATED" -v d="$DURATION" -v t="${DRAIN/-/0}" 'BEGIN {printf "%.2f", n / (d + t)}')
    # With the consumers' catching-up too: orders acknowledged / (run + time until all was handled).
    R_ALL[$key]=$(awk -v n="$CREATED" -v d="$DURATION" -v t="$CATCHUP" 'BEGIN {printf "%.2f", n / (d + t)}')
    if [[ "$v" == pgbench || "$v" == postgres/* || "$v" == chain/* ]]; then
      R_XID[$key]=$(awk -v d=$((xid1 - xid0 - 1)) -v n="$stored" 'BEGIN {printf "%.1f", n ? d / n : 0}')
      R_WAL[$key]=$(awk -v d=$((wal1 - wal0)) -v n="$stored" 'BEGIN {printf "%.0f", n ? d / n : 0}')
    else
      R_XID[$key]="-"; R_WAL[$key]="-"
    fi
    printf '    %.1f orders/s, p50 %s, p99 %s, %s acknowledged, %s stored' "$RPS" "$P50" "$P99" "$CREATED" "$stored"
    [[ "$v" == pgbench ]] && echo ||
      echo "; outbox: $BACKLOG events unsent at the end, relayed $DRAIN s later; consumers: $QUEUED events queued, all handled $CATCHUP s after the load stopped"
  done
done

for name in "${!SERVER_PID[@]}"; do
  kill -0 "${SERVER_PID[$name]}" 2>/dev/null || die "vetahut ($name) died during the run (see its log)"
done
# --- report ------------------------------------------------------------------------------------
declare -A MED=() MED_SUST=() MED_ALL=()
for v in "${VARIANTS[@]}"; do
  vals=()
  sust=()
  all=()
  for ((r = 1; r <= ROUNDS; r++)); do
    vals+=("${R_RPS[$r|$v]}"); sust+=("${R_SUST[$r|$v]}"); all+=("${R_ALL[$r|$v]}")
  done
  MED[$v]=$(median "${vals[@]}")
  MED_SUST[$v]=$(median "${sust[@]}")
  MED_ALL[$v]=$(median "${all[@]}")
done
PGB_MED=${MED[pgbench]}

# With both the chain and the all-in-one on PostgreSQL: a column chain/all-in-one (same round and
# payment method), the cost of the hops.
VS_AIO=0
[[ " $BACKENDS " == *" postgres "* ]] && ((CHAIN)) && VS_AIO=1
aio_ratio() {  # round variant -> "1.23×" for a chain row, "1.00×" for an all-in-one postgres row, "-"
  local r=$1 v=$2
  case "$v" in
    chain/*) awk -v a="${R_RPS[$r|$v]}" -v b="${R_RPS[$r|postgres/${v#*/}]:-0}" 'BEGIN {if (b > 0) printf "%.2f×", a / b; else printf "-"}' ;;
    postgres/*) [[ -n "${R_RPS[$r|chain/${v#*/}]:-}" ]] && echo "1.00×" || echo "-" ;;
    *) echo "-" ;;
  esac
}
echo
extra_head="" extra_rule=""
((VS_AIO)) && { extra_head=" vs all-in-one |"; extra_rule="--------------:|"; }
printf '| %-5s | %-30s | %9s | %9s | %9s | %7s | %7s | %8s | %7s | %10s | %9s | %10s | %12s |%s\n' \
  round variant "orders/s" p50 p99 "201s" stored "outbox" "drain" "all done/s" "xid/ord" "WAL B/ord" "vs pgbench" "$extra_head"
printf '|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s\n' "-------" "--------------------------------" "----------:" \
  "----------:" "----------:" "--------:" "--------:" "---------:" "--------:" "-----------:" "----------:" "-----------:" \
  "-------------:" "$extra_rule"
for ((r = 1; r <= ROUNDS; r++)); do
  for v in "${VARIANTS[@]}"; do
    key="$r|$v"
    if [[ "$v" == pgbench ]]; then label="pgbench (same PostgreSQL)"; else label="vetahut ${v/\// }"; fi
    ratio=$(awk -v a="${R_RPS[$key]}" -v b="${R_RPS[$r|pgbench]}" 'BEGIN {printf "%.2f", a / b}')
    drain=${R_DRAIN[$key]}
    [[ "$drain" == - ]] || drain="${drain}s"
    extra=""
    if ((VS_AIO)); then
      extra=$(aio_ratio "$r" "$v")
      # "×" is two bytes: printf pads by bytes.
      [[ "$extra" == *× ]] && extra=$(printf ' %14s |' "$extra") || extra=$(printf ' %13s |' "$extra")
    fi
    # "×" is two bytes: printf pads by bytes, so the ratio column pads to 11 and appends it.
    printf '| %-5s | %-30s | %9.1f | %9s | %9s | %7s | %7s | %8s | %7s | %10.1f | %9s | %10s | %11s× |%s\n' "$r" \
      "$label" "${R_RPS[$key]}" "${R_P50[$key]}" "${R_P99[$key]}" "${R_OK[$key]}" "${R_STORED[$key]}" \
      "${R_BACKLOG[$key]}" "$drain" "${R_ALL[$key]}" "${R_XID[$key]}" "${R_WAL[$key]}" "$ratio" "$extra"
  done
done
echo
echo "orders/s: wrk Requests/sec (every response a 201) or pgbench tps without connection time; one pgbench"
echo "  transaction = one placement = 3 database transactions. 201s: acknowledged (pgbench: transactions);"
echo "  stored: orders stored during the run, which exceeds the 201s by the requests in flight when wrk stopped."
echo "  Every acknowledged order id was found in the database, confirmed."
echo "outbox: events not yet relayed when the load stopped; drain: how long the relay then took to send them."
echo "all done/s: 201s / (run + time from the end of the load until every event was relayed and every consuming"
echo "  module's queue was empty) — what the back-end sustains with its consumers (kitchen, loyalty, notifications,"
echo "  webhooks, analytics) keeping up; orders/s lets them fall behind."
echo "xid/ord: PostgreSQL write transactions per order, WAL B/ord: WAL bytes per order (both counted until the"
echo "  outbox was drained; the chain's include what its other services wrote meanwhile)."
if ((CHAIN)); then
  echo "chain: through nginx and a gateway to the order replicas, which call menu, payment and location over HTTP"
  echo "  and relay events through RabbitMQ; its own database on the same PostgreSQL."
fi
echo
HEADLINE=""
for v in "${VARIANTS[@]}"; do
  [[ "$v" == pgbench ]] && continue
  ratio=$(awk -v a="${MED[$v]}" -v b="$PGB_MED" 'BEGIN {printf "%.2f", a / b}')
  sratio=$(awk -v a="${MED_SUST[$v]}" -v b="$PGB_MED" 'BEGIN {printf "%.2f", a / b}')
  line="vetahut ${v/\// }/pgbench = ${ratio}×  (median orders/s ${MED[$v]} vs $PGB_MED; counting the outbox drain: ${MED_SUST[$v]}/s = ${sratio}×)"
  if [[ "$v" == postgres/pay_at_store ]]; then
    HEADLINE="$line; goal ≥ 0.50×: $(awk -v r="$ratio" 'BEGIN {print (r >= 0.5) ? "met" : "NOT met"}')"
  else
    echo "$line"
  fi
done
[[ -n "$HEADLINE" ]] && echo "$HEADLINE"
if ((VS_AIO)); then
  for p in $PAYMENTS; do
    per=()
    for ((r = 1; r <= ROUNDS; r++)); do per+=("$(aio_ratio "$r" "chain/$p" | tr -d '×')"); done
    echo "vetahut chain $p/all-in-one postgres = $(awk -v a="${MED[chain/$p]}" -v b="${MED[postgres/$p]}" 'BEGIN {printf "%.2f", a / b}')×" \
      " (median orders/s ${MED[chain/$p]} vs ${MED[postgres/$p]}; per-round ratios: $(printf '%s× ' "${per[@]}"| sed 's/ $//');" \
      "all done: ${MED_ALL[chain/$p]}/s vs ${MED_ALL[postgres/$p]}/s =" \
      "$(awk -v a="${MED_ALL[chain/$p]}" -v b="${MED_ALL[postgres/$p]}" 'BEGIN {printf "%.2f", a / b}')×)"
  done
fi
echo "machine: $MACHINE; CPU busy before the run: ${BUSY_BEFORE}%"
exit 0
