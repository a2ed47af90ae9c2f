#!/usr/bin/env bash
# Measures what the foundation promises, on this machine:
#  1. time from process start to serving on the embedded store (fresh and existing data),
#  2. idle RSS,
#  3. p50/p99 of WhoAmI and ListPlans at 16 concurrent clients on MariaDB.
# All traffic stays on 127.0.0.1; every loop is bounded.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
go build -o "$work/certsvc" ./cmd/certsvc
go build -o "$work/load" ./internal/tools/load
port=${CERTSVC_BENCH_PORT:-18090}
base="http://127.0.0.1:$port"
dur=${CERTSVC_BENCH_DURATION:-10s}

# wait_up waits for /healthz and prints the milliseconds since $1 (ns).
wait_up() {
  for _ in $(seq 1 2000); do
    if curl -sf "$base/healthz" >/dev/null 2>&1; then
      echo $(( ($(date +%s%N) - $1) / 1000000 ))
      return
    fi
    sleep 0.005
  done
  echo "certsvc did not start" >&2; exit 1
}

echo "== start-up on the embedded store (ms from exec to a 200 from /healthz; 5 runs)"
for mode in fresh existing; do
  data="$work/data"
  times=()
  for _ in 1 2 3 4 5; do
    [ "$mode" = fresh ] && rm -rf "$data"
    t0=$(date +%s%N)
    CERTSVC_ADMIN_PASSWORD=bench-admin "$work/certsvc" --addr "127.0.0.1:$port" --data-dir "$data" 2>"$work/log" &
    pid=$!
    times+=("$(wait_up "$t0")")
    if [ "$mode" = existing ]; then
      sleep 2
      rss=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)
    fi
    kill $pid; wait $pid 2>/dev/null || true
  done
  echo "$mode data dir: ${times[*]}"
done
echo "== idle RSS after start-up (existing SQLite store, 2 s idle): ${rss} KiB"

echo "== latency at 16 clients on MariaDB ($dur per row)"
dsn=$(scripts/mariadb.sh)
db="certsvc_bench_$$"
host=${dsn#*@tcp(}; host=${host%%)*}
mariadb --protocol=tcp -h"${host%:*}" -P"${host#*:}" -uroot -e "CREATE DATABASE $db"
trap 'kill $(jobs -p) 2>/dev/null || true; mariadb --protocol=tcp -h"${host%:*}" -P"${host#*:}" -uroot -e "DROP DATABASE IF EXISTS $db"; rm -rf "$work"' EXIT
url="${dsn%/}/$db"
"$work/certsvc" migrate --database-url "$url" >/dev/null 2>&1
CERTSVC_ADMIN_PASSWORD=bench-admin "$work/certsvc" --addr "127.0.0.1:$port" --database-url "$url" --log-level warn 2>"$work/log" &
wait_up "$(date +%s%N)" >/dev/null
token=$(curl -s -H 'Content-Type: application/json' -d '{"login":"admin","password":"bench-admin"}' \
  "$base/certsvc.v1.AuthService/Login" | sed 's/.*"token":"\([^"]*\)".*/\1/')
basic="Basic $(printf 'admin:bench-admin' | base64)"
for protocol in connect grpc; do
  "$work/load" -url "$base" -protocol $protocol -rpc whoami -auth "Bearer $token" -c 16 -d "$dur"
  "$work/load" -url "$base" -protocol $protocol -rpc whoami -auth "$basic" -c 16 -d "$dur"
  "$work/load" -url "$base" -protocol $protocol -rpc listplans -page-size 20 -c 16 -d "$dur"
done
