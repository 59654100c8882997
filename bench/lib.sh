# Shared helpers of the bench/*.sh scripts (sourced; BENCH_NAME names the script in messages).

# The script's header comment (from line 2 to the first non-comment line) as its --help.
usage() { awk 'NR > 1 && /^#/ {sub(/^# ?/, ""); print; next} NR > 1 {exit}' "$0"; }

die() { echo "$BENCH_NAME: $*" >&2; exit 1; }

# Each named variable must hold a positive integer.
require_positive_ints() {
  local v
  for v in "$@"; do
    [[ "${!v}" =~ ^[0-9]+$ && "${!v}" -gt 0 ]] || die "$v must be a positive integer, got '${!v}'"
  done
}

port_in_use() { ss -Hltn "sport = :$1" 2>/dev/null | grep -q .; }

# The first port from $1 up that nothing listens on and that is not in $TAKEN (ports this script
# has handed out but not bound yet; callers append to it: command substitution runs in a subshell).
TAKEN=""
free_port() {
  local p=$1
  while port_in_use "$p" || [[ " $TAKEN " == *" $p "* ]]; do
    p=$((p + 1))
    ((p < 65535)) || die "no free port found"
  done
  echo "$p"
}

# The first port from $1 up from which $2 ports in a row are free (none listening, none in $TAKEN);
# as with free_port, the caller appends them to $TAKEN.
free_port_block() {
  local p=$1 n=$2 i ok
  while ((p + n < 65535)); do
    ok=1
    for ((i = 0; i < n; i++)); do
      if port_in_use $((p + i)) || [[ " $TAKEN " == *" $((p + i)) "* ]]; then ok=0; p=$((p + i + 1)); break; fi
    done
    ((ok)) && { echo "$p"; return; }
  done
  die "no block of $n free ports found"
}

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {if (NR % 2) printf "%.2f", a[(NR+1)/2]; else printf "%.2f", (a[NR/2]+a[NR/2+1])/2}'; }

busy_cpu_percent() {  # share of non-idle CPU time over one second, from /proc/stat
  local -a a b
  read -r -a a < <(awk '/^cpu / {print $2+$3+$4+$7+$8+$9, $5+$6}' /proc/stat); sleep 1
  read -r -a b < <(awk '/^cpu / {print $2+$3+$4+$7+$8+$9, $5+$6}' /proc/stat)
  awk -v bu=$((b[0] - a[0])) -v id=$((b[1] - a[1])) 'BEGIN {t = bu + id; printf "%d", t ? 100 * bu / t : 0}'
}

# Starts `$VETAHUT serve --demo` on a free port from $1, data in $TMP/data (PostgreSQL when
# BACKEND=postgres), and waits for /readyz. Sets SERVER_PID, PORT, DATA_DIR and BASE_URL; the log
# is $TMP/server.log. The caller's EXIT trap stops SERVER_PID.
start_demo_server() {
  PORT=$(free_port "$1")
  DATA_DIR="$TMP/data"
  mkdir -p "$DATA_DIR"
  chmod 0700 "$DATA_DIR"
  # The per-client rate limit is off: one load generator on loopback is every client at once.
  local env_vars=(VETAHUT_AUTH_ACCESS_TOKEN_TTL_S=3600 VETAHUT_LOG_LEVEL=warn VETAHUT_RATELIMIT_ENABLED=false)
  [[ "$BACKEND" == postgres ]] && env_vars+=(VETAHUT_DB_URL="$VETAHUT_TEST_PG_URL")
  env "${env_vars[@]}" "$VETAHUT" serve --demo --listen "127.0.0.1:$PORT" --data-dir "$DATA_DIR" >"$TMP/server.log" 2>&1 &
  SERVER_PID=$!
  BASE_URL="http://127.0.0.1:$PORT"
  local ready=0
  for _ in $(seq 1 200); do
    curl -sf -o /dev/null "$BASE_URL/readyz" && { ready=1; break; }
    kill -0 "$SERVER_PID" 2>/dev/null || { tail -n 20 "$TMP/server.log" >&2; die "vetahut exited during start-up (log above)"; }
    sleep 0.1
  done
  ((ready)) || { tail -n 20 "$TMP/server.log" >&2; die "vetahut was not ready within 20 s (log above)"; }
}
