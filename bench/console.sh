#!/usr/bin/env bash
# The web console's load figure (issue #14: 50 browsers' event streams on
# a 4,000-instance daemon add at most 5 % of a core), measured twice:
# in-process against a fake backend (BenchmarkEvents50Clients: one change
# per tick delivered to 50 clients), then on a real govrrpd with 4,080
# VRRP instances in namespaces (tools/scalebench -console 50: r1's CPU
# without, with and after the clients). The second needs root and is
# skipped otherwise. About 3 minutes. Extra arguments go to scalebench,
# e.g. for a quick run: bench/console.sh -settle 30s -window 15s
set -euo pipefail
cd "$(dirname "$0")/.."
go test -count=1 -run '^$' -bench Events50Clients -benchtime 1x ./internal/console
# bench/scale.sh builds what it needs and skips when not root.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bench/scale.sh -keepalived "" -layouts 16x255 -console 50 -out "$tmp" "$@"
