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
#   RSS_RUNS=5 scripts/rss.sh # five fresh starts, each run and the medians
#   RSS_COLD=1 scripts/rss.sh # start from a copy whose pages are dropped
#                             # from the page cache first: a cold start
#
# The file-backed part depends on the page cache as much as on certsvc: on
# kernels with large folios (6.x, ext4) a fault maps the whole folio around
# it, so the same binary shows 2-3 MB more when run as the linker wrote it
# (or once its pages are all cached) than on a cold start from disk, and
# varies from build to build. Compare builds with RSS_RUNS and the same
# RSS_COLD setting.
set -euo pipefail
cd "$(dirname "$0")/.."

verbose=false
[ "${1:-}" = -v ] && verbose=true
settle=${RSS_SETTLE:-3}
port=${RSS_PORT:-18411}
runs=${RSS_RUNS:-1}
cold=${RSS_COLD:-}

work=$(mktemp -d)
pid=
stop() {
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	fi
	pid=
}
cleanup() {
	stop
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
if [ -n "$cold" ]; then
	# As an install does: a copy of its own, written with write(2).
	cp "$bin" "$work/certsvc.installed"
	bin=$work/certsvc.installed
	sync "$bin"
fi

kb() { awk -v k="$1:" '$1 == k { print $2 }' "$2"; }
mb() { echo "$1 / 1024" | bc -l; }
median() { tr ' ' '\n' | grep . | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

all_rss= all_anon= all_file=
for run in $(seq 1 "$runs"); do
	# Drop the binary's pages from the page cache (GNU dd: count=0 with
	# iflag=nocache advises the kernel to drop the whole file).
	[ -n "$cold" ] && dd if="$bin" iflag=nocache count=0 status=none
	rm -rf "$work/run"
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

	roll=/proc/$pid/smaps_rollup
	rss=$(kb Rss "$roll")
	anon=$(kb Anonymous "$roll")
	hwm=$(kb VmHWM "/proc/$pid/status")
	file=$((rss - anon))
	all_rss="$all_rss $rss" all_anon="$all_anon $anon" all_file="$all_file $file"
	if [ "$runs" -gt 1 ]; then
		printf 'run %2d: rss %6.1f MB, anonymous %6.1f, file-backed %6.1f, hwm %6.1f (load %s)\n' "$run" \
			"$(mb "$rss")" "$(mb "$anon")" "$(mb "$file")" "$(mb "$hwm")" "$(cut -d' ' -f1 /proc/loadavg)"
	fi
	if [ "$run" -lt "$runs" ]; then
		stop
	fi
done

size=$(stat -c %s "$bin")
[ "$runs" -gt 1 ] && echo "median of $runs runs${cold:+, cold starts}:"
printf 'binary        %6.1f MB\n' "$(mb "$((size / 1024))")"
printf 'rss           %6.1f MB\n' "$(mb "$(echo "$all_rss" | median)")"
printf '  anonymous   %6.1f MB\n' "$(mb "$(echo "$all_anon" | median)")"
printf '  file-backed %6.1f MB\n' "$(mb "$(echo "$all_file" | median)")"
[ "$runs" -eq 1 ] && printf 'hwm           %6.1f MB\n' "$(mb "$hwm")"
if $verbose; then
	echo "largest mappings (Rss kB, perms, name):"
	awk '/^[0-9a-f]+-[0-9a-f]+ / { perm = $2; name = $6 } $1 == "Rss:" && $2 > 256 { printf "  %8d %s %s\n", $2, perm, name }' \
		"/proc/$pid/smaps" | sort -rn | head -12
fi
