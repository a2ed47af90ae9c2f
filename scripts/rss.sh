#!/usr/bin/env bash
# rss.sh: idle memory of a fresh certsvc on an empty embedded store.
#
# Builds ./cmd/certsvc (or uses $CERTSVC_BIN), starts it with no flags in an
# empty directory, waits until it is ready (/readyz), lets it settle and
# prints the resident set of the idle process: total, anonymous, file-backed
# (pages of the binary) and the high-water mark, from /proc/PID/smaps_rollup
# and /proc/PID/status. With -v it also lists the largest mappings.
#
#   scripts/rss.sh            # build, start, measure
#   scripts/rss.sh -v         # and the per-mapping breakdown
#   CERTSVC_BIN=/tmp/certsvc scripts/rss.sh
set -euo pipefail
cd "$(dirname "$0")/.."

verbose=false
[ "${1:-}" = -v ] && verbose=true
settle=${RSS_SETTLE:-3}
port=${RSS_PORT:-18411}

work=$(mktemp -d)
pid=
cleanup() {
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT

bin=${CERTSVC_BIN:-}
if [ -z "$bin" ]; then
	bin=$work/certsvc
	# A plain build, as issue 11 measured; set CERTSVC_BIN to measure a
	# release build (the Containerfile's flags move the layout, and with it
	# the figure, by a MB or two either way).
	go build -o "$bin" ./cmd/certsvc
fi

mkdir "$work/run"
(cd "$work/run" && exec env -i PATH="$PATH" HOME="$work/run" "$bin" --addr "127.0.0.1:$port" >"$work/log" 2>&1) &
pid=$!

ready=false
for _ in $(seq 1 300); do
	if ! kill -0 "$pid" 2>/dev/null; then
		echo "rss.sh: certsvc exited:" >&2
		cat "$work/log" >&2
		exit 1
	fi
	if curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; then
		ready=true
		break
	fi
	sleep 0.1
done
$ready || { echo "rss.sh: certsvc not ready after 30 s" >&2; cat "$work/log" >&2; exit 1; }
sleep "$settle"

kb() { awk -v k="$1:" '$1 == k { print $2 }' "$2"; }
roll=/proc/$pid/smaps_rollup
rss=$(kb Rss "$roll")
anon=$(kb Anonymous "$roll")
hwm=$(kb VmHWM "/proc/$pid/status")
file=$((rss - anon))
size=$(stat -c %s "$bin")
printf 'binary        %6.1f MB\n' "$(echo "$size / 1048576" | bc -l)"
printf 'rss           %6.1f MB\n' "$(echo "$rss / 1024" | bc -l)"
printf '  anonymous   %6.1f MB\n' "$(echo "$anon / 1024" | bc -l)"
printf '  file-backed %6.1f MB\n' "$(echo "$file / 1024" | bc -l)"
printf 'hwm           %6.1f MB\n' "$(echo "$hwm / 1024" | bc -l)"
if $verbose; then
	echo "largest mappings (Rss kB, perms, name):"
	awk '/^[0-9a-f]+-[0-9a-f]+ / { perm = $2; name = $6 } $1 == "Rss:" && $2 > 256 { printf "  %8d %s %s\n", $2, perm, name }' \
		"/proc/$pid/smaps" | sort -rn | head -12
fi
