#!/usr/bin/env bash
# Measures what the foundation promises, on this machine:
#  1. time from process start to serving on the embedded store (fresh and existing data),
#  2. RSS (VmRSS of /proc/PID/status): on a fresh data dir as soon as /healthz answers (after
#     argon2id hashed the admin's password and the catalogue was seeded), and idle on existing data,
#  3. p50/p99 of WhoAmI and ListPlans at 16 concurrent clients on MariaDB.
# CERTSVC_BENCH_ONLY=startup stops after 1 and 2 (no MariaDB needed); CERTSVC_BENCH_BIN measures a
# prebuilt binary instead of building ./cmd/certsvc (e.g. to compare two versions).
# All traffic stays on 127.0.0.1; every loop is bounded.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
if [ -n "${CERTSVC_BENCH_BIN:-}" ]; then
  cp "$CERTSVC_BENCH_BIN" "$work/certsvc"
else
  go build -o "$work/certsvc" ./cmd/certsvc
fi
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

vmrss() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }

echo "== start-up on the embedded store (ms from exec to a 200 from /healthz; 5 runs)"
for mode in fresh existing; do
  data="$work/data"
  times=()
  rss_list=()
  for _ in 1 2 3 4 5; do
    [ "$mode" = fresh ] && rm -rf "$data"
    t0=$(date +%s%N)
    CERTSVC_ADMIN_PASSWORD=bench-admin "$work/certsvc" --addr "127.0.0.1:$port" --data-dir "$data" 2>"$work/log" &
    pid=$!
    times+=("$(wait_up "$t0")")
    if [ "$mode" = fresh ]; then
      # What a new user meets: the first start, read as soon as it answers.
      rss_list+=("$(vmrss $pid)")
    else
      sleep 2
      rss_list+=("$(vmrss $pid)")
    fi
    kill $pid; wait $pid 2>/dev/null || true
  done
  echo "$mode data dir: ${times[*]}"
  if [ "$mode" = fresh ]; then
    echo "== RSS of a fresh start on an empty data dir at the first 200 from /healthz (KiB; 5 runs): ${rss_list[*]}"
  else
    echo "== idle RSS after start-up (existing SQLite store, 2 s idle; KiB; 5 runs): ${rss_list[*]}"
  fi
done
[ "${CERTSVC_BENCH_ONLY:-}" = startup ] && exit 0
go build -o "$work/load" ./internal/tools/load

echo "== latency at 16 clients on MariaDB ($dur per row)"
dsn=$(scripts/mariadb.sh)
db="certsvc_bench_$$"
host=${dsn#*@tcp(}; host=${host%%)*}
mariadb --protocol=tcp -h"${host%:*}" -P"${host#*:}" -uroot -e "CREATE DATABASE $db"
trap 'kill $(jobs -p) 2>/dev/null || true; mariadb --protocol=tcp -h"${host%:*}" -P"${host#*:}" -uroot -e "DROP DATABASE IF EXISTS $db"; rm -rf "$work"' EXIT
url="${dsn%/}/$db"
"$work/certsvc" migrate --database-url "$url" >/dev/null 2>&1
# serve on MySQL needs a master key (shared by replicas); a throwaway one here.
CERTSVC_MASTER_KEY=$("$work/certsvc" admin master-key) CERTSVC_ADMIN_PASSWORD=bench-admin "$work/certsvc" --addr "127.0.0.1:$port" --database-url "$url" --log-level warn 2>"$work/log" &
wait_up "$(date +%s%N)" >/dev/null
token=$(curl -s -H 'Content-Type: application/json' -d '{"login":"admin","password":"bench-admin"}' \
  "$base/certsvc.v1.AuthService/Login" | sed 's/.*"token":"\([^"]*\)".*/\1/')
basic="Basic $(printf 'admin:bench-admin' | base64)"
for protocol in connect grpc; do
  "$work/load" -url "$base" -protocol $protocol -rpc whoami -auth "Bearer $token" -c 16 -d "$dur"
  "$work/load" -url "$base" -protocol $protocol -rpc whoami -auth "$basic" -c 16 -d "$dur"
  "$work/load" -url "$base" -protocol $protocol -rpc listplans -page-size 20 -c 16 -d "$dur"
done
