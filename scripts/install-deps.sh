#!/usr/bin/env bash
# Installs what veta_hut needs on Debian 12, and only what is missing. Idempotent.
#   scripts/install-deps.sh          build + run
#   scripts/install-deps.sh --test   also what the tests and benchmarks need
#   scripts/install-deps.sh --no-web only the Debian packages, not web/'s npm packages (the
#                                    Dockerfile's build stage: its web apps build in their own stage)
# Then the web apps' npm packages (scripts/build-web.sh --deps; Node.js >= 20 is not a Debian 12
# package: it says how to get it when it is missing).
set -euo pipefail

packages=(
  cmake g++ ninja-build ccache pkg-config
  libboost1.81-dev libboost-json1.81-dev
  libpq-dev libsqlite3-dev libsodium-dev libssl-dev libcurl4-openssl-dev
  libfmt-dev libcli11-dev libtomlplusplus-dev libexpected-dev
  libhowardhinnant-date-dev libctemplate-dev libgtest-dev libgmock-dev libbenchmark-dev
  zlib1g-dev tzdata curl
  libavro-dev  # analytics: Avro object container files for the data lake
  librabbitmq-dev  # the RabbitMQ bus (bus.url = amqp://...)
  libhiredis-dev  # the Redis cache (cache.url = redis://...)
  python3 python3-yaml  # docs/openapi.yaml is embedded in the binary as JSON at build time
)
web=1
test=0
for arg in "$@"; do
  case "$arg" in
    --test) test=1 ;;
    --no-web) web=0 ;;
    *) echo "install-deps: unknown argument '$arg'" >&2; exit 2 ;;
  esac
done
web_deps() {
  if ((web)); then exec "$(dirname "$0")/build-web.sh" --deps; fi
  exit 0
}
if ((test)); then
  packages+=(postgresql postgresql-contrib prometheus wrk nginx-light procps iproute2)
  packages+=(python3-aiosmtpd)  # the real SMTP sink of the notification tests and benchmark
  packages+=(python3-avro)  # an independent reader of the data lake (tests/analytics_test.cpp)
  packages+=(clang-14 libclang-rt-14-dev)  # libFuzzer + sanitizers for scripts/fuzz.sh
  packages+=(chromium fonts-liberation)  # the web apps' browser tests: playwright-core drives Debian's Chromium
  packages+=(gnuplot-nox)  # the latency-over-time chart of bench/loadgen
  # deploy/k8s is rendered with `kubectl kustomize` (tests/deploy_k8s_test.py); any kubectl will do.
  command -v kubectl >/dev/null 2>&1 || packages+=(kubernetes-client)
  packages+=(rabbitmq-server)  # scripts/with-rabbitmq.sh: the RabbitMQ bus's tests on a real broker
  packages+=(redis-server)  # scripts/with-redis.sh: the Redis cache's tests on a real server
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]} == 0)); then
  echo "==> dependencies: all ${#packages[@]} packages present"
  web_deps
fi

echo "==> dependencies: installing ${#missing[@]} missing packages: ${missing[*]}"
SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# Debian's nginx and postgresql packages try to start system services; we start our own on
# loopback instead, so keep policy-rc.d from starting theirs where possible.
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "==> dependencies: done"
web_deps
