#!/usr/bin/env bash
# Benchmark: the quote endpoint vs a fixed-body endpoint of the same server (issue 18: "the quote
# endpoint within 1.5× of a fixed-body endpoint's throughput").
#
# One `vetahut serve --demo` (SQLite, the embedded default) answers both:
#   quote    POST /api/v1/quotes with a 10-line cart for a 24/7 store it makes — five pizzas with
#            toppings (one half-and-half), sides, drinks, a dessert — and the coupon PIZZA20: the
#            request is parsed and checked, the store's menu and prices looked up, the cart priced
#            with its promotions and the answer serialized, on every request;
#   fixture  GET /bench/fixture.json, 2,048 bytes from memory (VETAHUT_APP_BENCH_FIXTURE; the route
#            bench/http_vs_nginx.sh compares with nginx): the same HTTP path with no work behind it.
# Measured ALTERNATELY with wrk (quote, fixture, quote, fixture…), so drift hits both alike. The
# figure is fixture req/s ÷ quote req/s: how many times slower a quote is than doing nothing.
#
# Usage: bench/quote_vs_fixture.sh [--duration S] [--rounds N] [--connections C] [--threads T] [--no-build]
# Environment (flags win):
#   DURATION=5  ROUNDS=3  CONNECTIONS=32  WRK_THREADS=1  WARMUP=2  NO_BUILD=1
#
# This is a benchmark, not a test: it is never run from ctest.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT="$PWD"
DURATION="${DURATION:-5}"
ROUNDS="${ROUNDS:-3}"
CONNECTIONS="${CONNECTIONS:-32}"
WRK_THREADS="${WRK_THREADS:-1}"
WARMUP="${WARMUP:-2}"
NO_BUILD="${NO_BUILD:-0}"
BACKEND=sqlite
BENCH_NAME=quote_vs_fixture
# shellcheck source=bench/lib.sh
source bench/lib.sh

while (($#)); do
  case "$1" in
    --duration) DURATION="$2"; shift 2 ;;
    --rounds) ROUNDS="$2"; shift 2 ;;
    --connections) CONNECTIONS="$2"; shift 2 ;;
    --threads) WRK_THREADS="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    --no-build) NO_BUILD=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "quote_vs_fixture: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
require_positive_ints DURATION ROUNDS CONNECTIONS WARMUP WRK_THREADS
for tool in wrk curl ss python3; do
  command -v "$tool" >/dev/null || die "'$tool' not found; run scripts/install-deps.sh --test"
done

TMP="$(mktemp -d "${TMPDIR:-/tmp}/vetahut-quote-bench.XXXXXX")"
SERVER_PID=""
WRK_PID=""
# shellcheck disable=SC2317  # invoked through the EXIT trap
cleanup() {
  local rc=$?
  for pid in $WRK_PID $SERVER_PID; do kill "$pid" 2>/dev/null || true; done
  for pid in $WRK_PID $SERVER_PID; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$TMP"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

VETAHUT="$ROOT/build/release/src/app/vetahut"
if [[ "$NO_BUILD" != "1" ]]; then
  echo "==> building vetahut: scripts/build.sh release vetahut"
  scripts/build.sh release vetahut >"$TMP/build.log" 2>&1 || { tail -n 40 "$TMP/build.log" >&2; die "build failed"; }
fi
[[ -x "$VETAHUT" ]] || die "$VETAHUT not found; run scripts/build.sh release vetahut"

# The fixed body: 2,048 bytes of JSON.
python3 -c 'import json; b = json.dumps({"note": ""}); print(json.dumps({"note": "x" * (2048 - len(b) - 1)}), end="")' >"$TMP/fixture.json"
[[ $(stat -c %s "$TMP/fixture.json") == 2047 ]] || die "fixture is not 2,047 bytes"
export VETAHUT_APP_BENCH_FIXTURE="$TMP/fixture.json"
start_demo_server 18280

# A 24/7 carry-out store with sales tax (the demo stores may be closed when the benchmark runs),
# made by the demo admin through the API; the demo menu (USD) prices it.
python3 - "$BASE_URL" >"$TMP/store" <<'PY' || die "could not set up the bench store"
import json, sys, urllib.parse, urllib.request
base = sys.argv[1]
def call(method, path, body=None, token=None, form=False):
    data, headers = None, {}
    if body is not None:
        data = urllib.parse.urlencode(body).encode() if form else json.dumps(body).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded" if form else "application/json"
    if token:
        headers["Authorization"] = "Bearer " + token
    with urllib.request.urlopen(urllib.request.Request(base + path, data, headers, method=method)) as r:
        text = r.read()
        return json.loads(text) if text else None
admin = call("POST", "/api/v1/auth/token", {"grant_type": "password", "username": "admin@demo.vetahut.test",
                                            "password": "demo-admin-password"}, form=True)["access_token"]
store = call("POST", "/api/v1/stores", {"name": "Veta Hut Quote Bench", "address": {"line1": "233 S Wacker Dr",
    "city": "Chicago", "region": "IL", "postal_code": "60606", "country": "US"}, "latitude": 41.8781,
    "longitude": -87.6359, "timezone": "America/Chicago", "phone": "+13125550198", "services": ["carryout"],
    "currency": "USD", "locale": "en-US"}, admin)["id"]
week = [{"day": d, "open": "00:00", "close": "24:00"}
        for d in ("sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday")]
call("PUT", f"/api/v1/stores/{store}/hours", {"carryout": {"weekly": week}}, admin)
call("PUT", f"/api/v1/stores/{store}/tax", {"mode": "exclusive", "rates": {"food": 8875, "beverage": 8875}}, admin)
print(store)
PY
STORE=$(cat "$TMP/store")
python3 - "$STORE" >"$TMP/quote.json" <<'EOF'
import json, sys
t = lambda *ids: [{"topping_id": i, "portion": "whole"} for i in ids]
items = [
  {"product_id": "cheese_pizza", "size": "large", "quantity": 1, "toppings": t("mushrooms", "black_olives")},
  {"product_id": "pepperoni_pizza", "size": "medium", "quantity": 2, "toppings": t("jalapenos")},
  {"product_id": "hawaiian", "size": "large", "quantity": 1, "toppings": []},
  {"product_id": "veggie_supreme", "size": "small", "quantity": 1, "toppings": t("feta")},
  {"product_id": "margherita", "size": "large", "quantity": 1,
   "toppings": [{"topping_id": "pepperoni", "portion": "left"}, {"topping_id": "mushrooms", "portion": "right"}]},
  {"product_id": "garlic_bread", "size": "regular", "quantity": 2, "toppings": []},
  {"product_id": "chicken_wings", "size": "regular", "quantity": 1, "toppings": []},
  {"product_id": "cola", "size": "bottle_2l", "quantity": 1, "toppings": []},
  {"product_id": "lemonade", "size": "bottle_20oz", "quantity": 2, "toppings": []},
  {"product_id": "brownie", "size": "regular", "quantity": 1, "toppings": []},
]
print(json.dumps({"store_id": sys.argv[1], "type": "carryout", "items": items, "coupon_code": "PIZZA20"}), end="")
EOF
code=$(curl -s -o "$TMP/quote.answer" -w '%{http_code}' -H 'Content-Type: application/json' --data-binary @"$TMP/quote.json" "$BASE_URL/api/v1/quotes")
[[ "$code" == 200 ]] || { cat "$TMP/quote.answer" >&2; echo >&2; die "the bench cart's quote answered $code"; }
python3 - "$TMP/quote.answer" <<'EOF' || die "the quote did not price 10 lines with the coupon"
import json, sys
q = json.load(open(sys.argv[1]))
assert len(q["lines"]) == 10, len(q["lines"])
assert any(d.get("code") == "PIZZA20" or "PIZZA20" in json.dumps(d) for d in q.get("discounts", [])), q.get("discounts")
EOF
cat >"$TMP/quote.lua" <<EOF
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local f = io.open("$TMP/quote.json", "rb"); wrk.body = f:read("*a"); f:close()
EOF

run_wrk() {  # name seconds -> RPS P99
  local name=$1 secs=$2 out rc=0 non2xx
  out="$TMP/wrk.$name.$RANDOM.txt"
  if [[ "$name" == quote ]]; then
    wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"${secs}s" --latency -s "$TMP/quote.lua" "$BASE_URL/api/v1/quotes" >"$out" 2>&1 &
  else
    wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"${secs}s" --latency "$BASE_URL/bench/fixture.json" >"$out" 2>&1 &
  fi
  WRK_PID=$!
  wait "$WRK_PID" || rc=$?
  WRK_PID=""
  ((rc == 0)) || { cat "$out" >&2; die "wrk ($name) failed (exit $rc)"; }
  RPS=$(awk '/^Requests\/sec:/ {print $2}' "$out")
  P99=$(awk '$1 == "99%" {print $2}' "$out")
  non2xx=$(awk -F': *' '/Non-2xx or 3xx responses/ {print $2}' "$out")
  [[ -n "$RPS" ]] || { cat "$out" >&2; die "could not parse Requests/sec ($name)"; }
  [[ -z "$non2xx" ]] || { cat "$out" >&2; die "$name answered $non2xx non-2xx responses"; }
}

CPU_MODEL=$(awk -F': *' '/^model name/ {print $2; exit}' /proc/cpuinfo 2>/dev/null || true)
MACHINE="$(nproc) cores, Linux $(uname -r), CPU: ${CPU_MODEL:-unknown}"
BUSY_BEFORE=$(busy_cpu_percent)
((BUSY_BEFORE <= 10)) || echo "    warning: the machine is ${BUSY_BEFORE}% busy before the run; results will be noisy" >&2
echo "==> quote (POST /api/v1/quotes, 10 lines + PIZZA20, $(stat -c %s "$TMP/quote.json") B body) vs fixture (GET /bench/fixture.json, 2,047 B)"
echo "    wrk -t$WRK_THREADS -c$CONNECTIONS -d${DURATION}s, $ROUNDS rounds, ${WARMUP}s warm-up each; vetahut serve --demo (SQLite)"
run_wrk quote "$WARMUP"; run_wrk fixture "$WARMUP"
declare -a Q=() F=() QP=() FP=() R=()
for ((r = 1; r <= ROUNDS; r++)); do
  run_wrk quote "$DURATION"; Q+=("$RPS"); QP+=("$P99")
  run_wrk fixture "$DURATION"; F+=("$RPS"); FP+=("$P99")
  R+=("$(awk -v f="${F[-1]}" -v q="${Q[-1]}" 'BEGIN {printf "%.2f", f / q}')")
  printf 'round %d: quote %s req/s (p99 %s), fixture %s req/s (p99 %s): %s×\n' "$r" "${Q[-1]}" "${QP[-1]}" "${F[-1]}" "${FP[-1]}" "${R[-1]}"
done
kill -0 "$SERVER_PID" 2>/dev/null || die "vetahut died during the run"
QM=$(median "${Q[@]}"); FM=$(median "${F[@]}")
RATIO=$(awk -v f="$FM" -v q="$QM" 'BEGIN {printf "%.2f", f / q}')
echo
echo "fixture/quote = ${RATIO}×  (median req/s $FM vs $QM; per-round $(printf '%s× ' "${R[@]}"); goal ≤ 1.50×: $(awk -v r="$RATIO" 'BEGIN {print (r <= 1.5) ? "met" : "not met"}'))"
echo "machine: $MACHINE; CPU busy before the run: ${BUSY_BEFORE}%"
