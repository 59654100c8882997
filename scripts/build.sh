#!/usr/bin/env bash
# Configures and builds one CMake preset (default: release). Usage: scripts/build.sh [preset] [targets...]
set -euo pipefail
cd "$(dirname "$0")/.."
preset="${1:-release}"
shift || true
if [[ ! -f "build/$preset/build.ninja" ]]; then
  echo "==> configure ($preset)"
  cmake --preset "$preset" >/dev/null
fi
echo "==> build ($preset) with $(nproc) jobs"
if (($#)); then
  cmake --build "build/$preset" --target "$@"
else
  cmake --build "build/$preset"
fi
