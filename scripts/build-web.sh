#!/usr/bin/env bash
# The web apps (web/: the customer app at / and the kiosk at /kiosk/, served by `vetahut serve`).
#   scripts/build-web.sh          installs web/'s npm packages if the lockfile changed, then builds web/dist
#   scripts/build-web.sh --deps   only the packages (npm ci), for scripts/install-deps.sh
# Needs Node.js >= 20 with npm; says so, and how to get it, when it is missing or too old.
set -euo pipefail
cd "$(dirname "$0")/../web"

need=20
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  have="none"
else
  have="$(node --version)"
fi
major="${have#v}"
major="${major%%.*}"
if [[ "$have" == none || ! "$major" =~ ^[0-9]+$ || "$major" -lt "$need" ]]; then
  cat >&2 <<EOF
==> web: Node.js >= $need with npm is needed to build the web apps (found: $have).
    Debian 12's own nodejs package is 18, too old. Install Node.js $need or newer, for example
    from https://nodejs.org/en/download (or NodeSource's Debian packages), make sure \`node\` and
    \`npm\` are on PATH, and run this again.
EOF
  exit 1
fi

# npm ci only when the lockfile changed since the last install (npm keeps its own copy of the
# lockfile it installed in node_modules/.package-lock.json).
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  echo "==> web: npm ci (Node.js $have)"
  npm ci --no-audit --no-fund --loglevel=error
fi
[[ "${1:-}" == "--deps" ]] && exit 0

echo "==> web: build (types from docs/openapi.yaml, typecheck, vite, precompression, the JS budget)"
npm run --silent build
