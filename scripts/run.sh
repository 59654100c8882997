#!/usr/bin/env bash
# One command to try veta_hut: installs what is missing, builds the binary and the web apps, and
# starts the all-in-one platform on SQLite under ./data with demo data; when it is up it prints the
# URL that opens the customer app. Ctrl-C stops it; running it again keeps your data.
# VETAHUT_SERVER_LISTEN=HOST:PORT listens elsewhere; any other VETAHUT_* setting applies too
# (docs/configuration.md).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh release vetahut
scripts/build-web.sh
listen="${VETAHUT_SERVER_LISTEN:-127.0.0.1:8080}"
echo "==> starting veta_hut on http://$listen (data in ./data; demo sign-ins in the README)"
exec build/release/src/app/vetahut serve --demo --data-dir data --listen "$listen" "$@"
