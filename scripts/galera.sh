#!/usr/bin/env bash
# A 3-node MariaDB Galera cluster on loopback, for the replica tests and the
# chaos run. No systemd; the data lives under $CERTSVC_GALERA_DIR
# (default /var/tmp/certsvc-galera), apart from any other MariaDB (the one on
# 3306 is left alone).
#
#   scripts/galera.sh start        install if missing, start (or resume) all 3 nodes, print the DSNs
#   scripts/galera.sh stop         stop every node cleanly
#   scripts/galera.sh status       one line per node
#   scripts/galera.sh dsn          the DSNs, space-separated (node 1 first)
#   scripts/galera.sh kill N       kill -9 node N (chaos)
#   scripts/galera.sh restart N    start node N again from its recovered position (IST)
#   scripts/galera.sh wipe         stop, then delete the data
#
# Ports of node N: SQL 331N, gcomm 457N, IST 458N, SST 459N.
# The DSNs carry wsrep_sync_wait=1: a read waits until the node has applied
# every write committed anywhere before it (read-your-writes across nodes).
set -euo pipefail

dir=${CERTSVC_GALERA_DIR:-/var/tmp/certsvc-galera}
nodes=(1 2 3)
peers=gcomm://127.0.0.1:4571,127.0.0.1:4572,127.0.0.1:4573

log() { echo "galera.sh: $*" >&2; }
die() {
  log "$*"
  exit 1
}

ndir() { echo "$dir/node$1"; }
port() { echo "331$1"; }
dsn() { echo "root@tcp(127.0.0.1:$(port "$1"))/?wsrep_sync_wait=1"; }

install() {
  if command -v mariadbd >/dev/null 2>&1 && [ -e /usr/lib/galera/libgalera_smm.so ] &&
    command -v rsync >/dev/null 2>&1 && command -v galera_recovery >/dev/null 2>&1; then
    return
  fi
  log "installing galera-4 and mariadb-server from Debian's packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >&2
  # The postinst cannot start the server without systemd; that is expected.
  apt-get install -y -q galera-4 mariadb-server mariadb-client rsync >&2 || true
  command -v mariadbd >/dev/null 2>&1 && [ -e /usr/lib/galera/libgalera_smm.so ] || die "installation failed"
}

config() {
  local n=$1 d
  d=$(ndir "$n")
  mkdir -p "$d/data"
  cat >"$d/my.cnf" <<EOF
[mysqld]
user=mysql
datadir=$d/data
socket=$d/mysqld.sock
pid-file=$d/mariadbd.pid
log-error=$d/error.log
port=$(port "$n")
bind-address=127.0.0.1
skip-name-resolve
innodb_buffer_pool_size=64M
performance_schema=OFF
max_connections=400
binlog_format=ROW
default_storage_engine=InnoDB
innodb_autoinc_lock_mode=2
wsrep_on=ON
wsrep_provider=/usr/lib/galera/libgalera_smm.so
wsrep_cluster_name=certsvc
wsrep_cluster_address=$peers
wsrep_node_name=node$n
wsrep_node_address=127.0.0.1:457$n
wsrep_provider_options="base_host=127.0.0.1;base_port=457$n;gmcast.listen_addr=tcp://127.0.0.1:457$n;ist.recv_addr=127.0.0.1:458$n;gcache.size=32M;evs.keepalive_period=PT0.5S;evs.suspect_timeout=PT2S"
wsrep_sst_method=rsync
wsrep_sst_receive_address=127.0.0.1:459$n
EOF
  chown -R mysql:mysql "$d"
}

# alive PID: the process runs (a killed one that its parent has not reaped
# yet is a zombie, not alive).
alive() {
  local st
  st=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
  [ -n "$st" ] && [ "${st#Z}" = "$st" ]
}

pid() {
  local f
  f="$(ndir "$1")/mariadbd.pid"
  [ -s "$f" ] && alive "$(cat "$f")" && cat "$f"
}

q() { mariadb --protocol=tcp -h127.0.0.1 -P"$(port "$1")" -uroot -N -B --connect-timeout=2 -e "$2" 2>/dev/null; }

status_var() { q "$1" "SHOW GLOBAL STATUS LIKE '$2'" | awk '{print $2}'; }

# synced N: the node is up, ready and synced in a cluster of 3 (or $2).
synced() {
  [ -n "$(pid "$1")" ] || return 1
  [ "$(status_var "$1" wsrep_ready)" = ON ] &&
    [ "$(status_var "$1" wsrep_local_state_comment)" = Synced ] &&
    [ "$(status_var "$1" wsrep_cluster_size)" = "${2:-3}" ]
}

# launch N [args]: start mariadbd of node N in the background.
launch() {
  local n=$1 d
  shift
  d=$(ndir "$n")
  # --defaults-file must be mariadbd's first argument; it does not fork.
  nohup mariadbd --defaults-file="$d/my.cnf" "$@" >>"$d/stdout.log" 2>&1 &
  echo $! >"$d/launcher.pid"
}

# wait_node N size: wait up to 120 s for node N to be synced.
wait_node() {
  for _ in $(seq 1 600); do
    synced "$1" "$2" && return 0
    alive "$(cat "$(ndir "$1")/launcher.pid")" || die "node $1 died; see $(ndir "$1")/error.log"
    sleep 0.2
  done
  die "node $1 not synced after 120 s; see $(ndir "$1")/error.log"
}

# recovered N: the --wsrep_start_position of node N's data (empty when none).
recovered() {
  local d
  d=$(ndir "$1")
  [ -d "$d/data/mysql" ] || return 0
  galera_recovery --defaults-file="$d/my.cnf" 2>/dev/null | grep -o -- '--wsrep_start_position=[^ ]*' || true
}

# startnode N: start a stopped node and let it join the running cluster.
startnode() {
  local n=$1 pos
  [ -n "$(pid "$n")" ] && return 0
  config "$n"
  pos=$(recovered "$n")
  log "starting node $n ${pos:-(state transfer)}"
  # shellcheck disable=SC2086 # pos is one option or nothing
  launch "$n" $pos
}

up_count() {
  local c=0 n
  for n in "${nodes[@]}"; do [ -n "$(pid "$n")" ] && c=$((c + 1)); done
  echo $c
}

# safe_node: the node a clean stop left safe to bootstrap; else (after every
# node was killed) the one whose recovered position is furthest, marked safe.
safe_node() {
  local n seq best=1 bestseq=-2
  for n in "${nodes[@]}"; do
    if grep -q '^safe_to_bootstrap: 1' "$(ndir "$n")/data/grastate.dat" 2>/dev/null; then
      echo "$n"
      return 0
    fi
  done
  for n in "${nodes[@]}"; do
    [ -d "$(ndir "$n")/data/mysql" ] || continue
    config "$n"
    seq=$(recovered "$n")
    seq=${seq##*:}
    if [ -n "$seq" ] && [ "$seq" -gt "$bestseq" ]; then
      best=$n
      bestseq=$seq
    fi
  done
  sed -i 's/^safe_to_bootstrap: 0/safe_to_bootstrap: 1/' "$(ndir "$best")/data/grastate.dat"
  echo "$best"
}

start() {
  install
  mkdir -p "$dir"
  chown mysql:mysql "$dir"
  local n boot
  if [ "$(up_count)" = 0 ]; then
    # Bootstrap: a new cluster from node 1, or from the node a clean stop
    # left safe to bootstrap, or, after every node was killed, from the one
    # that had applied the most (safe_node).
    config 1
    if [ ! -d "$(ndir 1)/data/mysql" ]; then
      log "initialising node 1 in $(ndir 1)"
      mariadb-install-db --defaults-file="$(ndir 1)/my.cnf" --auth-root-authentication-method=normal \
        --skip-test-db >"$(ndir 1)/install.log" 2>&1 || die "mariadb-install-db failed; see $(ndir 1)/install.log"
      boot=1
    else
      boot=$(safe_node)
    fi
    config "$boot"
    log "bootstrapping the cluster from node $boot"
    # shellcheck disable=SC2046
    launch "$boot" --wsrep-new-cluster $(recovered "$boot")
    wait_node "$boot" 1
  fi
  for n in "${nodes[@]}"; do startnode "$n"; done
  for n in "${nodes[@]}"; do wait_node "$n" 3; done
  q 1 "CREATE USER IF NOT EXISTS 'root'@'127.0.0.1'; GRANT ALL ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;" || true
  dsns
}

stopnode() {
  local n=$1 p
  p=$(pid "$n") || return 0
  kill -TERM "$p"
  for _ in $(seq 1 300); do
    alive "$p" || return 0
    sleep 0.2
  done
  log "node $n did not stop in 60 s; killing it"
  kill -KILL "$p"
}

stop() {
  # One after the other, so that the last one stopped is safe to bootstrap.
  local n
  for n in 3 2 1; do stopnode "$n"; done
}

status() {
  local n
  for n in "${nodes[@]}"; do
    if [ -n "$(pid "$n")" ]; then
      echo "node $n: pid $(pid "$n") port $(port "$n") ready=$(status_var "$n" wsrep_ready) state=$(status_var "$n" wsrep_local_state_comment) cluster_size=$(status_var "$n" wsrep_cluster_size)"
    else
      echo "node $n: down"
    fi
  done
}

dsns() {
  local out=() n
  for n in "${nodes[@]}"; do out+=("$(dsn "$n")"); done
  echo "${out[*]}"
}

node_arg() {
  case "${1:-}" in
  1 | 2 | 3) ;;
  *) die "node must be 1, 2 or 3" ;;
  esac
}

case "${1:-}" in
start) start ;;
stop) stop ;;
status) status ;;
dsn) dsns ;;
kill)
  node_arg "${2:-}"
  p=$(pid "$2") || die "node $2 is not running"
  kill -KILL "$p"
  log "killed node $2 (pid $p)"
  ;;
restart)
  node_arg "${2:-}"
  [ "$(up_count)" -gt 0 ] || die "no node runs: use start"
  startnode "$2"
  wait_node "$2" 3
  log "node $2 rejoined"
  ;;
wipe)
  stop
  rm -rf "$dir"
  ;;
*)
  sed -n '2,17p' "$0" >&2
  exit 2
  ;;
esac
