#!/usr/bin/env bash
# make demo: three routers and a client in network namespaces, govrrpd on
# each router with examples/keepalived.conf, a client connecting to the VIP
# every 10 ms while the master crashes and comes back. Under a minute;
# everything it makes is removed on exit or Ctrl-C. Needs root.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" -ne 0 ]; then
	echo "demo: needs root (it creates network namespaces and runs govrrpd in them): sudo make demo" >&2
	exit 2
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if [ -z "${GOVRRPD_BIN:-}" ]; then
	go build -o "$tmp/" ./cmd/... # govrrpd and its helpers, side by side
	GOVRRPD_BIN=$tmp/govrrpd
fi
go build -o "$tmp/govrrpd-demo" ./tools/demo
# Not exec: the trap must still remove the build directory.
"$tmp/govrrpd-demo" -govrrpd "$GOVRRPD_BIN" -f examples/keepalived.conf "$@"
