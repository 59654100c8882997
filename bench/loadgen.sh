#!/usr/bin/env bash
# Load: restaurant-shaped scenarios with the open-loop load generator bench/loadgen (docs/benchmarks.md,
# "Load: restaurant-shaped scenarios"; docs/decisions/0032-loadgen.md). Builds the release
# `vetahut` and `loadgen`, starts `vetahut serve --demo` on SQLite (default) or on a throwaway
# PostgreSQL 15 (scripts/with-postgres.sh), runs one scenario from bench/loadgen/scenarios/, prints
# the per-step table (p50/p90/p99/p99.9/max from the scheduled send, errors by kind, achieved vs
# scheduled rates) and the path of the latency-over-time chart (SVG, gnuplot). Everything runs on
# 127.0.0.1; the server and its data are removed on exit, the chart and its data are kept.
#
# Usage: bench/loadgen.sh [--scenario NAME|FILE] [--backend sqlite|postgres] [--time-scale F]
#          [--rate-scale F] [--out DIR] [--fail-on-errors] [--no-build]
# Environment (flags win):
#   SCENARIO=dinner_peak   dinner_peak, promo_spike, menu_publish, or a .toml file
#   BACKEND=sqlite         sqlite (the embedded default) or postgres (a throwaway PostgreSQL 15)
#   TIME_SCALE=1           multiplies every duration of the scenario (0.1: a ten times shorter run)
#   RATE_SCALE=1           multiplies its arrival rates
#   OUT=build/loadgen/<scenario>-<backend>-<time>   where the chart, its data and summary.json go
#   NO_BUILD=1             skip scripts/build.sh (use the existing build/release binaries)
#
# The load generator shares the machine's CPUs with the server (and PostgreSQL): on a 2-core
# machine that is part of what is measured. The script warns when the machine is busy before the run.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT="$PWD"

SCENARIO="${SCENARIO:-dinner_peak}"
BACKEND="${BACKEND:-sqlite}"
TIME_SCALE="${TIME_SCALE:-1}"
RATE_SCALE="${RATE_SCALE:-1}"
OUT="${OUT:-}"
NO_BUILD="${NO_BUILD:-0}"
FAIL_ON_ERRORS="${FAIL_ON_ERRORS:-0}"
ARGS=("$@")

BENCH_NAME=loadgen
# shellcheck source=bench/lib.sh
source bench/lib.sh

while (($#)); do
  case "$1" in
    --scenario) SCENARIO="$2"; shift 2 ;;
    --backend) BACKEND="$2"; shift 2 ;;
    --time-scale) TIME_SCALE="$2"; shift 2 ;;
    --rate-scale) RATE_SCALE="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    --fail-on-errors) FAIL_ON_ERRORS=1; shift ;;
    --no-build) NO_BUILD=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "$BENCH_NAME: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done

[[ "$BACKEND" == postgres || "$BACKEND" == sqlite ]] || die "BACKEND must be postgres or sqlite, got '$BACKEND'"
[[ "$TIME_SCALE" =~ ^[0-9]*\.?[0-9]+$ ]] || die "TIME_SCALE must be a positive number, got '$TIME_SCALE'"
[[ "$RATE_SCALE" =~ ^[0-9]*\.?[0-9]+$ ]] || die "RATE_SCALE must be a positive number, got '$RATE_SCALE'"
SCENARIO_FILE="$SCENARIO"
[[ -f "$SCENARIO_FILE" ]] || SCENARIO_FILE="$ROOT/bench/loadgen/scenarios/${SCENARIO%.toml}.toml"
[[ -f "$SCENARIO_FILE" ]] || die "no scenario '$SCENARIO' (bench/loadgen/scenarios: $(cd bench/loadgen/scenarios && ls -- *.toml | sed 's/\.toml$//' | tr '\n' ' '))"
for tool in curl ss; do
  command -v "$tool" >/dev/null || die "'$tool' not found; run scripts/install-deps.sh --test"
done
command -v gnuplot >/dev/null || echo "$BENCH_NAME: gnuplot not found: no chart (scripts/install-deps.sh --test installs gnuplot-nox)" >&2

# --- build, then (PostgreSQL) re-run inside a throwaway PostgreSQL ------------------------------
VETAHUT="$ROOT/build/release/src/app/vetahut"
LOADGEN="$ROOT/build/release/bench/loadgen/loadgen"
if [[ -z "${LOADGEN_BENCH_INNER:-}" ]]; then
  if [[ "$NO_BUILD" != "1" ]]; then
    echo "==> building: scripts/build.sh release vetahut loadgen (a first build takes minutes)"
    build_log="$(mktemp "${TMPDIR:-/tmp}/vetahut-loadgen-build.XXXXXX")"
    if ! scripts/build.sh release vetahut loadgen >"$build_log" 2>&1; then
      tail -n 40 "$build_log" >&2
      rm -f "$build_log"
      die "build failed (scripts/build.sh release vetahut loadgen)"
    fi
    rm -f "$build_log"
  fi
  [[ -x "$VETAHUT" && -x "$LOADGEN" ]] || die "$VETAHUT or $LOADGEN not found; run scripts/build.sh release vetahut loadgen"
  "$LOADGEN" --scenario "$SCENARIO_FILE" --check --time-scale "$TIME_SCALE" --rate-scale "$RATE_SCALE" ||
    die "the scenario does not parse (above)"
  if [[ "$BACKEND" == postgres ]]; then
    echo "==> starting a throwaway PostgreSQL 15 (scripts/with-postgres.sh)"
    exec env LOADGEN_BENCH_INNER=1 SCENARIO="$SCENARIO" BACKEND="$BACKEND" TIME_SCALE="$TIME_SCALE" RATE_SCALE="$RATE_SCALE" \
      OUT="$OUT" FAIL_ON_ERRORS="$FAIL_ON_ERRORS" NO_BUILD=1 scripts/with-postgres.sh "$BASH" "$0" "${ARGS[@]}"
  fi
fi
[[ -x "$VETAHUT" && -x "$LOADGEN" ]] || die "$VETAHUT or $LOADGEN not found"
if [[ "$BACKEND" == postgres ]]; then
  [[ -n "${VETAHUT_TEST_PG_URL:-}" ]] || die "VETAHUT_TEST_PG_URL is not set (run without LOADGEN_BENCH_INNER)"
fi

# --- temp dir and cleanup ----------------------------------------------------------------------
TMP="$(mktemp -d "${TMPDIR:-/tmp}/vetahut-loadgen.XXXXXX")"
SERVER_PID=""
LOAD_PID=""
SAMPLER_PID=""
# shellcheck disable=SC2317  # invoked through the EXIT trap
cleanup() {
  local rc=$? pid
  for pid in $LOAD_PID $SAMPLER_PID $SERVER_PID; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in $LOAD_PID $SAMPLER_PID $SERVER_PID; do
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$TMP"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- the server --------------------------------------------------------------------------------
start_demo_server 18290

# The menu a menu_publish scenario republishes: the demo menu, from its source.
MENU="$TMP/menu.json"
awk '/R"json\(/ {f = 1; sub(/.*R"json\(/, "")} /\)json"/ {sub(/\)json".*/, ""); print; f = 0} f' \
  src/services/menu/demo_menu.cpp >"$MENU"
[[ -s "$MENU" ]] || die "could not extract the demo menu from src/services/menu/demo_menu.cpp"

NAME="$(basename "${SCENARIO_FILE%.toml}")"
[[ -n "$OUT" ]] || OUT="$ROOT/build/loadgen/$NAME-$BACKEND-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$OUT"
CPU_MODEL=$(awk -F': *' '/^model name/ {print $2; exit}' /proc/cpuinfo 2>/dev/null || true)
MACHINE="$(nproc) cores, Linux $(uname -r), CPU: ${CPU_MODEL:-unknown}"
BUSY_BEFORE=$(busy_cpu_percent)
if ((BUSY_BEFORE > 10)); then
  echo "    warning: the machine is ${BUSY_BEFORE}% busy before the run; results will be noisy" >&2
  { ps -eo pcpu=,comm= --sort=-pcpu 2>/dev/null | awk '$2 != "ps"' | head -n 3 | sed 's/^/      /' >&2; } || true
fi
DB_LINE="SQLite (file in the data dir)"
if [[ "$BACKEND" == postgres ]]; then
  DB_LINE="PostgreSQL $(psql -X -q -At "$VETAHUT_TEST_PG_URL" -c 'SHOW server_version' 2>/dev/null | awk '{print $1}') on 127.0.0.1"
fi
echo "==> scenario $NAME (time × $TIME_SCALE, rate × $RATE_SCALE) against vetahut serve --demo on $BASE_URL, $DB_LINE"
echo "    machine: $MACHINE; CPU busy before the run: ${BUSY_BEFORE}%; load average: $(cut -d' ' -f1-3 /proc/loadavg)"

loadgen_args=(--scenario "$SCENARIO_FILE" --url "$BASE_URL" --time-scale "$TIME_SCALE" --rate-scale "$RATE_SCALE"
  --menu-file "$MENU" --out "$OUT")
[[ "$FAIL_ON_ERRORS" == 1 ]] && loadgen_args+=(--fail-on-errors)
# Where events wait, every 0.5 s from /metrics: each consuming module's queue (events relayed to
# it, not yet handled) — a tracker hears of a kitchen step only once the order module has handled it.
(
  while true; do
    curl -s --max-time 2 "$BASE_URL/metrics" | awk -v t="$(date +%s.%N)" '/^bus_queue_depth\{/ {
      sub(/^bus_queue_depth\{consumer="/, ""); sub(/"\}/, ""); printf "%s %s %s\n", t, $1, $2}'
    sleep 0.5
  done
) >"$OUT/backlog.dat" 2>/dev/null &
SAMPLER_PID=$!
rc=0
"$LOADGEN" "${loadgen_args[@]}" >"$OUT/report.txt" &
LOAD_PID=$!
wait "$LOAD_PID" || rc=$?
LOAD_PID=""
kill "$SAMPLER_PID" 2>/dev/null || true
wait "$SAMPLER_PID" 2>/dev/null || true
SAMPLER_PID=""
{
  printf 'event backlog (bus_queue_depth per consumer, max over the run / at the end):'
  awk '{if ($3 > m[$2]) m[$2] = $3; last[$2] = $3} END {for (c in m) printf "%s %d/%d\n", c, m[c], last[c]}' "$OUT/backlog.dat" |
    sort | tr '\n' ' ' | sed 's/^/ /; s/ $//'
  echo
} >>"$OUT/report.txt"
cat "$OUT/report.txt"
kill -0 "$SERVER_PID" 2>/dev/null || { tail -n 20 "$TMP/server.log" >&2; die "vetahut died during the run (log above)"; }
if grep -qE '"level":"(error)"' "$TMP/server.log"; then
  echo "server errors logged during the run (last 5):"
  grep -E '"level":"error"' "$TMP/server.log" | tail -n 5 | cut -c1-300 | sed 's/^/  /'
fi
echo "machine: $MACHINE; load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "results: $OUT (report.txt, summary.json, latency.svg, latency.dat, rates.dat, backlog.dat)"
exit "$rc"
