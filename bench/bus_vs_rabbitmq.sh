#!/usr/bin/env bash
# Benchmark: events per second through vetahut's RabbitMQ bus (AmqpBus: batches published with
# publisher confirms, one consumer acking each event after its handler) side by side with plain
# librabbitmq moving the same messages the way RabbitMQ's PerfTest does (a confirm-mode publisher
# with the same batch, a manual-ack consumer with the same prefetch, a queue of its own), in one
# run, rounds alternating (docs/benchmarks.md, "The RabbitMQ bus vs plain librabbitmq"). PerfTest
# itself is a Java program that is not packaged for Debian 12; bench/bus_vs_rabbitmq.cpp is its
# publish+consume loop in C with the library the bus uses. Everything runs on 127.0.0.1 against a
# throwaway broker (scripts/with-rabbitmq.sh), removed on exit. A benchmark, not a test.
#
# Usage: bench/bus_vs_rabbitmq.sh [--messages N] [--rounds N] [--batch N] [--prefetch N]
#          [--warmup N] [--no-build]
# Environment (flags win):
#   MESSAGES=20000   messages per round and variant (order.confirmed CloudEvents, ~1.9 KB each)
#   ROUNDS=3         measured rounds; each runs the bus, then plain librabbitmq
#   BATCH=100        messages per confirmed publish (the outbox relay's batch)
#   PREFETCH=20      the consumers' basic.qos prefetch (AmqpBusOptions::prefetch)
#   WARMUP=2000      messages per variant before the measured rounds
#   TIMEOUT=120      seconds without progress after which a round gives up (and the run fails); also
#                    how long a batch may wait for its confirms (vetahut itself waits 5 s, then retries)
#   NO_BUILD=1       skip scripts/build.sh (use the existing build/release binary)
#
# Prints per round events/s (first publish to last handled) and publish-to-handled latency p50/p99
# for both, a table, and bus/raw. Every round checks that the consumer saw each message exactly
# once and that the queue is empty afterwards; otherwise it exits 1.
#
# Note: the publisher, the consumer and the broker share the CPUs (on a 2-core machine, the
# broker alone can take one): compare the ratio, not absolute numbers.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT="$PWD"

MESSAGES="${MESSAGES:-20000}"
ROUNDS="${ROUNDS:-3}"
BATCH="${BATCH:-100}"
PREFETCH="${PREFETCH:-20}"
WARMUP="${WARMUP:-2000}"
TIMEOUT="${TIMEOUT:-120}"
NO_BUILD="${NO_BUILD:-0}"

BENCH_NAME=bus_vs_rabbitmq
# shellcheck source=bench/lib.sh
source bench/lib.sh  # the script has cd-ed to the repository root

while (($#)); do
  case "$1" in
    --messages) MESSAGES="$2"; shift 2 ;;
    --rounds) ROUNDS="$2"; shift 2 ;;
    --batch) BATCH="$2"; shift 2 ;;
    --prefetch) PREFETCH="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    --timeout) TIMEOUT="$2"; shift 2 ;;
    --no-build) NO_BUILD=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "bus_vs_rabbitmq: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
require_positive_ints MESSAGES ROUNDS BATCH PREFETCH TIMEOUT
[[ "$WARMUP" =~ ^[0-9]+$ ]] || die "WARMUP must be a number, got '$WARMUP'"

[[ -x "${RABBITMQ_LIB:-/usr/lib/rabbitmq/bin}/rabbitmq-server" ]] ||
  die "rabbitmq-server not found (scripts/install-deps.sh --test)"

BIN="$ROOT/build/release/bench/bus_vs_rabbitmq"
if [[ "$NO_BUILD" != "1" ]]; then
  echo "==> building: scripts/build.sh release bus_vs_rabbitmq (a first build takes minutes)"
  build_log="$(mktemp "${TMPDIR:-/tmp}/vetahut-bus-bench-build.XXXXXX")"
  if ! scripts/build.sh release bus_vs_rabbitmq >"$build_log" 2>&1; then
    tail -n 40 "$build_log" >&2
    rm -f "$build_log"
    die "build failed (scripts/build.sh release bus_vs_rabbitmq)"
  fi
  rm -f "$build_log"
fi
[[ -x "$BIN" ]] || die "$BIN not found; run scripts/build.sh release bus_vs_rabbitmq"

CPU_MODEL=$(awk -F': *' '/^model name/ {print $2; exit}' /proc/cpuinfo 2>/dev/null || true)
MACHINE="$(nproc) cores, Linux $(uname -r), CPU: ${CPU_MODEL:-unknown}"
BUSY_BEFORE=$(busy_cpu_percent)
if ((BUSY_BEFORE > 10)); then
  echo "    warning: the machine is ${BUSY_BEFORE}% busy before the run; results will be noisy" >&2
  { ps -eo pcpu=,comm= --sort=-pcpu 2>/dev/null | awk '$2 != "ps"' | head -n 3 | sed 's/^/      /' >&2; } || true
fi

echo "==> starting a throwaway RabbitMQ (scripts/with-rabbitmq.sh)"
rc=0
scripts/with-rabbitmq.sh "$BIN" --messages "$MESSAGES" --rounds "$ROUNDS" --batch "$BATCH" \
  --prefetch "$PREFETCH" --warmup "$WARMUP" --timeout "$TIMEOUT" || rc=$?
echo "machine: $MACHINE; CPU busy before the run: ${BUSY_BEFORE}%"
((rc == 0)) || die "the benchmark failed (exit $rc)"
