#!/usr/bin/env bash
# Builds the libFuzzer targets (CMake preset `fuzz`: clang++-14, ASan + UBSan) and runs them.
#
#   scripts/fuzz.sh                    every target for VETAHUT_FUZZ_SECONDS (default 30) each, two at a
#                                      time: what scripts/test.sh runs. Fails on the first crash.
#   scripts/fuzz.sh TARGET [SECONDS]   one target, longer (default 600 s): for local hunting.
#   scripts/fuzz.sh --merge TARGET     minimizes what runs have found (build/fuzz/corpus/TARGET) into the
#                                      seed corpus fuzz/corpus/TARGET — review and commit the new files.
#   scripts/fuzz.sh --list             the targets.
#
# Each run starts from the committed seeds (fuzz/corpus/TARGET, never written by a run) plus what
# earlier runs on this machine found (build/fuzz/corpus/TARGET, where new inputs go). A crash, a
# leak, undefined behaviour, a 10 s input or a broken property fails the run and prints the saved
# input (build/fuzz/artifacts/TARGET/crash-…) and the command that reproduces it.
# Environment: VETAHUT_FUZZ_SECONDS (per target), VETAHUT_FUZZ_JOBS (parallel runs, default 2).
set -euo pipefail
cd "$(dirname "$0")/.."

targets=(http_request json_body quote_request order_request catalog_codec jwt config webhook_signature)
build=build/fuzz
mode=all
seconds="${VETAHUT_FUZZ_SECONDS:-30}"
jobs="${VETAHUT_FUZZ_JOBS:-2}"

case "${1:-}" in
  --list) printf '%s\n' "${targets[@]}"; exit 0 ;;
  --merge) mode=merge; selected=("${2:?usage: scripts/fuzz.sh --merge TARGET}") ;;
  "") selected=("${targets[@]}") ;;
  -*) sed -n '2,17p' "$0"; exit 2 ;;
  *) mode=one; selected=("$1"); seconds="${2:-600}" ;;
esac
for t in "${selected[@]}"; do
  [[ " ${targets[*]} " == *" $t "* ]] || { echo "unknown fuzz target '$t' (scripts/fuzz.sh --list)" >&2; exit 2; }
done

build_log=$(mktemp)
if ! scripts/build.sh fuzz fuzz_targets >"$build_log" 2>&1; then
  cat "$build_log"
  rm -f "$build_log"
  exit 1
fi
rm -f "$build_log"
binary() { echo "$build/fuzz/$1_fuzz"; }

if [[ $mode == merge ]]; then
  t=${selected[0]}
  mkdir -p "$build/corpus/$t"
  before=$(find "fuzz/corpus/$t" -type f | wc -l)
  # -merge=1 adds to the first directory only the inputs of the others that add coverage.
  "$(binary "$t")" -merge=1 "fuzz/corpus/$t" "$build/corpus/$t" 2>&1 | grep -E '^MERGE-OUTER: [0-9]+ new files' || true
  echo "==> fuzz/corpus/$t: $before -> $(find "fuzz/corpus/$t" -type f | wc -l) files (review, then git add)"
  exit 0
fi

# Runs one target; the summary line goes to $log.summary, the exit status to $log.status.
run() {
  local t=$1 log=$2
  local dict=() artifacts="$build/artifacts/$t/"
  [[ -f fuzz/$t.dict ]] && dict=(-dict="fuzz/$t.dict")
  mkdir -p "$build/corpus/$t" "$artifacts"
  local status=0
  # UBSan findings abort (the build uses -fno-sanitize-recover); report them with a stack.
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "$(binary "$t")" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$artifacts" "${dict[@]}" "$build/corpus/$t" "fuzz/corpus/$t" >"$log" 2>&1 || status=$?
  local execs rate corpus
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
  corpus=$(find "$build/corpus/$t" "fuzz/corpus/$t" -type f | wc -l)
  printf '%-18s %6ss %12s runs %9s/s %6s inputs  %s\n' "$t" "$seconds" "${execs:-?}" "${rate:-?}" "$corpus" \
    "$([[ $status == 0 ]] && echo ok || echo "FAILED (exit $status)")" >"$log.summary"
  echo "$status" >"$log.status"
}

logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
echo "==> fuzz: ${#selected[@]} target(s), ${seconds}s each, $jobs at a time"
started=$SECONDS
for t in "${selected[@]}"; do
  while (($(jobs -rp | wc -l) >= jobs)); do wait -n || true; done
  run "$t" "$logs/$t.log" &
done
wait

failed=0
for t in "${selected[@]}"; do
  cat "$logs/$t.log.summary"
  if [[ $(cat "$logs/$t.log.status") != 0 ]]; then
    failed=1
    echo "---- $t: the end of its log"
    grep -v -E '^#[0-9]+|^INFO:|^MS:|^stat::' "$logs/$t.log" | tail -n 60
    for crash in $(sed -n "s/.*Test unit written to \(.*\)$/\1/p" "$logs/$t.log"); do
      echo "==> crashing input: $crash"
      echo "    reproduce: $(binary "$t") $crash"
    done
  fi
done
echo "==> fuzz: $((SECONDS - started)) s"
exit $failed
