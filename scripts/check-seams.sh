#!/usr/bin/env bash
# The seams between services: a service reaches another only through that service's client.hpp
# and events.hpp (ARCHITECTURE §3). Fails, naming each offending include, when a file under
# src/services/<svc>/ includes anything else of another service. Run by the build (CMake target
# check_seams), so a violation fails `cmake --build`. Tests beside the code (*_test.cpp) may wire
# another real service in, as src/app does (the kitchen's test uses the real menu for auto-86).
set -euo pipefail
cd "$(dirname "$0")/.."
status=0
for dir in src/services/*/; do
  svc=$(basename "$dir")
  while IFS= read -r hit; do
    file=${hit%%:*}
    rest=${hit#*:}
    line=${rest%%:*}
    include=$(sed -E 's/.*#include "services\/([^"]+)".*/\1/' <<<"${rest#*:}")
    other=${include%%/*}
    [[ "$other" == "$svc" ]] && continue
    case "${include#*/}" in
      client.hpp | events.hpp) continue ;;
    esac
    echo "check-seams: $file:$line includes services/$include — $svc may use only $other/client.hpp and $other/events.hpp" >&2
    status=1
  done < <(grep -rnE '^[[:space:]]*#[[:space:]]*include[[:space:]]+"services/' "$dir" --include='*.hpp' --include='*.cpp' --exclude='*_test.cpp' || true)
done
if ((status == 0)); then echo "check-seams: every service reaches the others through client.hpp and events.hpp only"; fi
exit $status
