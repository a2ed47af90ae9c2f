#!/usr/bin/env bash
# Builds and tests the browser side (web/): the generated TypeScript client
# package (web/client) and the web console (web/console), whose build in
# web/console/dist is committed and embedded in the binary.
#
#   scripts/web.sh deps      npm ci from web/package-lock.json (skipped when node_modules matches it)
#   scripts/web.sh build     compile web/client, type-check and build the console into web/console/dist
#   scripts/web.sh unit      Vitest unit tests of the console's logic
#   scripts/web.sh e2e       Playwright against a freshly built certsvc in Debian's Chromium
#   scripts/web.sh test      unit, then e2e
#   scripts/web.sh measure   bundle sizes, LCP of the list with 1,000 certificates, live-update latency, binary growth
#
# Chromium comes from Debian (apt-get install chromium) when it is missing;
# Playwright never downloads a browser. Under CI=true a missing browser fails.
set -euo pipefail
cd "$(dirname "$0")/.."
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

log() { echo "web.sh: $*" >&2; }

need_node() {
  if ! command -v npm >/dev/null 2>&1; then
    log "installing Node.js and npm from Debian's packages"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >&2 && apt-get install -y -q nodejs npm >&2
  fi
}

deps() {
  need_node
  local want have=""
  want=$(sha256sum web/package-lock.json | cut -d' ' -f1)
  [ -f web/node_modules/.certsvc-lock ] && have=$(cat web/node_modules/.certsvc-lock)
  if [ "$want" != "$have" ]; then
    log "npm ci (web/package-lock.json)"
    (cd web && npm ci --no-fund --no-audit --loglevel=error)
    echo "$want" >web/node_modules/.certsvc-lock
  fi
}

build() {
  deps
  (cd web && npm run --silent build)
}

chromium_path() {
  if [ -n "${CERTSVC_CHROMIUM:-}" ]; then echo "$CERTSVC_CHROMIUM"; return; fi
  command -v chromium || command -v chromium-browser || true
}

browser() {
  local c
  c=$(chromium_path)
  if [ -z "$c" ]; then
    log "installing chromium from Debian's packages"
    export DEBIAN_FRONTEND=noninteractive
    { apt-get update -q && apt-get install -y -q chromium; } >&2 || true
    c=$(chromium_path)
  fi
  if [ -z "$c" ]; then
    if [ "${CI:-}" = true ]; then log "no Chromium and it could not be installed"; exit 1; fi
    return 1
  fi
  export CERTSVC_CHROMIUM="$c"
}

server_bin() {
  local dir=$1
  go build -o "$dir/certsvc" ./cmd/certsvc
  export CERTSVC_BIN="$dir/certsvc"
}

e2e() {
  deps
  if ! browser; then
    log "SKIP end-to-end tests: no Chromium (set CI=true to make this a failure)"
    return 0
  fi
  local tmp
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"; trap - RETURN' RETURN
  server_bin "$tmp"
  (cd web && npx playwright test -c console/e2e/playwright.config.ts "$@")
}

unit() {
  deps
  (cd web && npx vitest run --root console)
}

measure() {
  deps
  browser
  local tmp
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"; trap - RETURN' RETURN
  server_bin "$tmp"
  go build -tags nowebconsole -o "$tmp/certsvc-bare" ./cmd/certsvc
  local with without assets
  with=$(stat -c %s "$tmp/certsvc")
  without=$(stat -c %s "$tmp/certsvc-bare")
  assets=$(find web/console/dist -type f -printf '%s\n' | awk '{s+=$1} END {print s}')
  echo "binary: $with bytes with the console, $without without: +$((with - without)) bytes for $assets bytes of assets"
  (cd web && CERTSVC_MEASURE=1 npx playwright test -c console/e2e/playwright.config.ts measure.spec.ts --reporter=list)
}

cmd=${1:-test}
shift || true
case "$cmd" in
  deps) deps ;;
  build) build ;;
  unit) unit ;;
  e2e) e2e "$@" ;;
  test) unit; e2e "$@" ;;
  measure) measure ;;
  *) echo "usage: scripts/web.sh deps|build|unit|e2e|test|measure" >&2; exit 2 ;;
esac
