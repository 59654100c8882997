#!/usr/bin/env bash
# One command to check everything: installs what is missing, builds with warnings as errors and
# again with AddressSanitizer + UndefinedBehaviorSanitizer, builds the web apps (web/, Node.js >= 20),
# and runs every test in both builds — unit, SQLite and PostgreSQL integration, end-to-end through
# `vetahut serve`, and (in the first build, labels `web` and `chain`) the web apps' Vitest and
# browser tests with their budgets and the suites through the chain (scripts/chain.sh) — then runs every fuzz target for a bounded time (VETAHUT_FUZZ_SECONDS each,
# default 30; 0 skips the fuzzers).
# A throwaway PostgreSQL, a throwaway RabbitMQ (label `rabbitmq`: the AMQP bus on a real broker) and
# a throwaway Redis (label `redis`: the shared cache on a real server) are started on 127.0.0.1 for
# the run and removed afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --test
scripts/build-web.sh
scripts/build.sh ci
scripts/build.sh asan
echo "==> tests: release-with-checks build, then the sanitizer build (PostgreSQL, RabbitMQ and Redis on loopback)"
scripts/with-postgres.sh scripts/with-rabbitmq.sh scripts/with-redis.sh bash -c '
  set -e
  echo "==> ctest (build/ci)"
  (cd build/ci && ctest --output-on-failure --timeout 600 -j2)
  # The chain suites (label chain) run once, in the first build: they check how the processes
  # work together; the code in each process is what the sanitized single-process suites run.
  echo "==> ctest (build/asan: AddressSanitizer + UndefinedBehaviorSanitizer; the chain suites ran above)"
  (cd build/asan && ctest --output-on-failure --timeout 900 -j2 -LE chain)
'
if [[ "${VETAHUT_FUZZ_SECONDS:-30}" != 0 ]]; then
  echo "==> fuzz: every target, bounded (scripts/fuzz.sh; a crash fails the run)"
  scripts/fuzz.sh
fi
