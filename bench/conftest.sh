#!/usr/bin/env bash
# `-t` on a big LVS site's configuration, govrrpd against keepalived 2.2.7:
# 10,000 virtual servers x 10 real servers with TCP_CHECK (~660k lines,
# bench/genconf.py). Each binary runs 3 times, alternating; the table gives
# the median wall time and peak RSS (GNU time's maximum resident set) and
# the ratios against the targets (time <= 0.5x, RSS <= 1.0x keepalived).
#
# -t only reads and checks the file: neither program touches an interface,
# IPVS or VRRP state, so nothing here needs a namespace.
#
# Environment: GOVRRPD_BIN (default: build ./cmd/govrrpd), CONFTEST_VS,
# CONFTEST_RS (sizes), CONFTEST_RUNS (default 3).
set -euo pipefail
cd "$(dirname "$0")/.."

VS=${CONFTEST_VS:-10000}
RS=${CONFTEST_RS:-10}
RUNS=${CONFTEST_RUNS:-3}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

need() { # command, apt package
	command -v "$1" >/dev/null 2>&1 && return 0
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
		echo "conftest.sh: installing $2" >&2
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$2" >/dev/null
	fi
	command -v "$1" >/dev/null 2>&1
}
[ -x /usr/bin/time ] || need /usr/bin/time time || { echo "conftest.sh: GNU time (apt package time) missing; skipped"; exit 0; }
have_ka=1
need keepalived keepalived || have_ka=0

bin=${GOVRRPD_BIN:-}
if [ -z "$bin" ]; then
	mkdir "$tmp/bin"
	bin=$tmp/bin/govrrpd # not $tmp/govrrpd: measure appends results there
	go build -o "$tmp/bin/" ./cmd/... # govrrpd and its helpers, side by side
fi

conf=$tmp/large.conf
python3 bench/genconf.py "$VS" "$RS" >"$conf"
lines=$(wc -l <"$conf")
bytes=$(stat -c %s "$conf")

# measure NAME CMD...: one run; appends "seconds kilobytes" to $tmp/NAME.
measure() {
	local name=$1
	shift
	local t0 t1 rc=0
	t0=$(date +%s%N)
	/usr/bin/time -f '%M' -o "$tmp/rss" "$@" >"$tmp/out" 2>&1 || rc=$?
	t1=$(date +%s%N)
	if [ "$rc" != 0 ]; then
		echo "conftest.sh: $name -t exited $rc on the generated file:" >&2
		head -5 "$tmp/out" >&2
		exit 1
	fi
	echo "$(( (t1 - t0) / 1000000 )) $(tail -1 "$tmp/rss")" >>"$tmp/$name"
}

for i in $(seq "$RUNS"); do
	measure govrrpd "$bin" -t -f "$conf"
	[ "$have_ka" = 1 ] && measure keepalived keepalived -t -f "$conf"
done

# median COLUMN FILE
median() { cut -d' ' -f"$1" "$2" | sort -n | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }

gt=$(median 1 "$tmp/govrrpd")
gr=$(median 2 "$tmp/govrrpd")
echo "conftest: -t on $lines lines ($bytes bytes): $VS virtual_servers x $RS real_servers, TCP_CHECK; median of $RUNS runs"
if [ "$have_ka" = 0 ]; then
	awk -v gt="$gt" -v gr="$gr" 'BEGIN { printf "%-24s %10.3f s\n%-24s %10.1f MB\n", "govrrpd time", gt / 1000, "govrrpd peak RSS", gr / 1024 }'
	echo "keepalived not installed: no comparison"
	exit 0
fi
kt=$(median 1 "$tmp/keepalived")
kr=$(median 2 "$tmp/keepalived")
awk -v gt="$gt" -v kt="$kt" -v gr="$gr" -v kr="$kr" -v raw="$(tr '\n' ';' <"$tmp/govrrpd")" -v kraw="$(tr '\n' ';' <"$tmp/keepalived")" 'BEGIN {
	tr = gt / kt; rr = gr / kr
	printf "%-24s %10.3f s\n", "govrrpd time", gt / 1000
	printf "%-24s %10.3f s\n", "keepalived time", kt / 1000
	printf "%-24s %10.2f    target <= 0.50  %s\n", "time ratio", tr, (tr <= 0.5 ? "MET" : "MISSED")
	printf "%-24s %10.1f MB\n", "govrrpd peak RSS", gr / 1024
	printf "%-24s %10.1f MB\n", "keepalived peak RSS", kr / 1024
	printf "%-24s %10.2f    target <= 1.00  %s\n", "RSS ratio", rr, (rr <= 1.0 ? "MET" : "MISSED")
	printf "runs (ms KB): govrrpd %s keepalived %s\n", raw, kraw
}'
