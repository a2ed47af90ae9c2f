#!/usr/bin/env bash
# Runs every test of certsvc: unit tests, the store and API suites (over Connect
# and gRPC) each on SQLite and on a real MariaDB/MySQL (started here when
# none answers), then the web console's unit tests (Vitest) and its
# end-to-end tests in Chromium (scripts/web.sh test). Extra arguments go to
# `go test`.
set -euo pipefail
cd "$(dirname "$0")/.."

CERTSVC_TEST_MYSQL_DSN=$(scripts/mariadb.sh)
export CERTSVC_TEST_MYSQL_DSN
echo "test.sh: MySQL for tests: ${CERTSVC_TEST_MYSQL_DSN%%@*}@${CERTSVC_TEST_MYSQL_DSN#*@}" >&2

# The replica tests run on a 3-node Galera cluster on loopback (ports
# 3311-3313), started here unless CERTSVC_TEST_GALERA_DSNS names one; it is
# left running for the next run (scripts/galera.sh stop ends it).
if [ -z "${CERTSVC_TEST_GALERA_DSNS:-}" ]; then
  # Its data is the tests' own: a cluster that cannot come back is wiped.
  CERTSVC_TEST_GALERA_DSNS=$(scripts/galera.sh start) ||
    { scripts/galera.sh wipe && CERTSVC_TEST_GALERA_DSNS=$(scripts/galera.sh start); }
fi
export CERTSVC_TEST_GALERA_DSNS
echo "test.sh: Galera for tests: $CERTSVC_TEST_GALERA_DSNS" >&2

go test -race -count=1 "$@" ./...

scripts/web.sh test
