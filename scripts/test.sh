#!/usr/bin/env bash
# One command to check everything: installs what is missing, builds with warnings as errors,
# and runs every test — unit, SQLite and PostgreSQL integration, end-to-end through `vetahut serve`.
# A throwaway PostgreSQL is started on 127.0.0.1 for the run and removed afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --test
scripts/build.sh ci
echo "==> tests (unit, SQLite, end-to-end) and PostgreSQL suites"
cd build/ci
exec ../../scripts/with-postgres.sh ctest --output-on-failure --timeout 600 -j2
