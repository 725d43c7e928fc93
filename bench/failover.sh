#!/usr/bin/env bash
# Failover benchmark against keepalived: a client probing the VIP every 1 ms
# measures the outage when the master crashes (kill) or stops (term), for
# govrrpd and keepalived in the same namespace lab, VRRPv2 @1 s and VRRPv3
# @100 ms and @10 ms. Run k of both implementations takes the master down at
# the same phase of its advert timer (drawn per run, -seed to repeat). Prints
# min/median/max, the protocol bound, the govrrpd/keepalived ratio and the
# median paired difference. About 3 minutes. Needs root (skips otherwise).
# Extra arguments go to the program, e.g. bench/failover.sh -runs 1 -modes "v3 10ms"
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" -ne 0 ]; then
	echo "failover.sh: needs root for network namespaces; skipped"
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if [ -z "${GOVRRPD_BIN:-}" ]; then
	go build -o "$tmp/" ./cmd/... # govrrpd and its helpers, side by side
	GOVRRPD_BIN=$tmp/govrrpd
fi
go build -o "$tmp/failbench" ./tools/failbench
"$tmp/failbench" -govrrpd "$GOVRRPD_BIN" "$@"
