#!/usr/bin/env bash
# Measures ACME issuance time through certsvc's ACME module against lego's own
# CLI, in one run against one embedded Pebble: one name by HTTP-01 each,
# account registration outside both timings (see BenchmarkIssueVsLego in
# internal/provider/acme/lego_bench_test.go for what each figure holds).
#
# It builds lego (the version pinned in tools/lego/go.mod) into a cache
# directory outside the repository, then runs the benchmark with the binary
# in CERTSVC_LEGO. Extra arguments go to `go test` after the defaults
# (e.g. -benchtime 10x). Everything stays on 127.0.0.1; every lego run is
# bounded (2 minutes).
#
#   CERTSVC_LEGO_CACHE  where to build lego (default: certsvc-lego beside the Go build cache)
set -euo pipefail
cd "$(dirname "$0")/.."

cache=${CERTSVC_LEGO_CACHE:-$(dirname "$(go env GOCACHE)")/certsvc-lego}
mkdir -p "$cache"
lego="$cache/lego"

# lego_dnslight is lego's own build option that leaves out its DNS providers
# (none is used here: HTTP-01 only); their SDKs are most of lego's
# dependencies, and some are not served by the module proxy used here.
echo "== building lego from tools/lego into $cache" >&2
(cd tools/lego && go build -tags lego_dnslight -o "$lego" github.com/go-acme/lego/v5)
"$lego" --version >&2

echo "== BenchmarkIssueVsLego (certsvc vs lego, one Pebble)" >&2
CERTSVC_LEGO="$lego" go test -count=1 -run '^$' -bench '^BenchmarkIssueVsLego$' -benchtime 5x \
  "$@" ./internal/provider/acme/
