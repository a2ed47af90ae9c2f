#!/usr/bin/env bash
# Makes sure a MariaDB/MySQL server answers for the tests, and prints its DSN.
#
# With CERTSVC_TEST_MYSQL_DSN set, that server is used as it is. Otherwise the
# server at 127.0.0.1:${CERTSVC_TEST_MYSQL_PORT:-3306} is tried as root with no
# password; when none answers, MariaDB is installed from Debian's packages if
# missing and started with a data directory of its own (no systemd needed).
set -euo pipefail

port=${CERTSVC_TEST_MYSQL_PORT:-3306}
dir=${CERTSVC_MARIADB_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/certsvc-mariadb-$port}

log() { echo "mariadb.sh: $*" >&2; }

if [ -n "${CERTSVC_TEST_MYSQL_DSN:-}" ]; then
  echo "$CERTSVC_TEST_MYSQL_DSN"
  exit 0
fi

answers() {
  command -v mariadb-admin >/dev/null 2>&1 &&
    mariadb-admin --protocol=tcp -h127.0.0.1 -P"$port" -uroot --connect-timeout=2 ping >/dev/null 2>&1
}

if ! answers; then
  if ! command -v mariadbd >/dev/null 2>&1; then
    log "installing mariadb-server from Debian's packages"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >&2
    # The package's postinst cannot start the server without systemd; that is expected.
    apt-get install -y -q mariadb-server mariadb-client >&2
  fi
  if ! answers; then
    log "starting mariadbd on 127.0.0.1:$port with data in $dir"
    mkdir -p "$dir"
    chown mysql:mysql "$dir" 2>/dev/null || true
    if [ ! -d "$dir/data/mysql" ]; then
      mariadb-install-db --no-defaults --user=mysql --datadir="$dir/data" \
        --auth-root-authentication-method=normal --skip-test-db >"$dir/install.log" 2>&1
    fi
    nohup mariadbd --no-defaults --user=mysql --datadir="$dir/data" \
      --socket="$dir/mysqld.sock" --pid-file="$dir/mariadbd.pid" \
      --bind-address=127.0.0.1 --port="$port" --log-error="$dir/error.log" \
      --innodb-buffer-pool-size=256M >"$dir/stdout.log" 2>&1 &
    for _ in $(seq 1 300); do
      mariadb-admin --socket="$dir/mysqld.sock" ping >/dev/null 2>&1 && break
      sleep 0.1
    done
    # install-db made root@localhost with no password, which TCP from
    # 127.0.0.1 resolves to; this private instance listens on loopback only.
    mariadb --socket="$dir/mysqld.sock" -uroot -e \
      "CREATE USER IF NOT EXISTS 'root'@'127.0.0.1'; GRANT ALL ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;" >&2 || true
  fi
  if ! answers; then
    log "MariaDB does not answer on 127.0.0.1:$port; see $dir/error.log"
    exit 1
  fi
fi
echo "root@tcp(127.0.0.1:$port)/"
