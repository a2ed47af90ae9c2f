#!/usr/bin/env bash
# Runs every test of certsvc: unit tests, and the store and API suites (over
# Connect and gRPC) each on SQLite and on a real MariaDB/MySQL (started here
# when none answers). Extra arguments go to `go test`.
set -euo pipefail
cd "$(dirname "$0")/.."

CERTSVC_TEST_MYSQL_DSN=$(scripts/mariadb.sh)
export CERTSVC_TEST_MYSQL_DSN
echo "test.sh: MySQL for tests: ${CERTSVC_TEST_MYSQL_DSN%%@*}@${CERTSVC_TEST_MYSQL_DSN#*@}" >&2

go test -race -count=1 "$@" ./...
