#!/usr/bin/env bash
# Scale benchmark against keepalived: two routers in network namespaces
# joined by 16 veth links, 255 VRIDs on each (4,080 VRRP instances per
# router, v2, advert_int 1, one VIP each from 198.18.0.0/16; r1 priority
# 150, r2 100), then the 1 link × 255 variant. govrrpd, then keepalived
# with the same files. Prints CPU % of a core for master and backup over
# a window after settling, RSS (keepalived: sum of its processes), seconds
# from start until every VIP is on the master, the ratio to keepalived,
# issue #12's target and pass/miss. About 6 minutes. Needs root (skips
# otherwise). Extra arguments go to the program, e.g. for a quick run:
#   bench/scale.sh -layouts 16x255 -settle 15s -window 10s
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" -ne 0 ]; then
	echo "scale.sh: needs root for network namespaces; skipped"
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if [ -z "${GOVRRPD_BIN:-}" ]; then
	# Static, as `make build` and the .deb build it: a cgo build maps
	# libc and ld.so, 2 MB of RSS that no shipped binary carries.
	CGO_ENABLED=0 go build -o "$tmp/" ./cmd/... # govrrpd and its helpers, side by side
	GOVRRPD_BIN=$tmp/govrrpd
fi
go build -o "$tmp/scalebench" ./tools/scalebench
"$tmp/scalebench" -govrrpd "$GOVRRPD_BIN" "$@"
