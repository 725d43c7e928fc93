#!/usr/bin/env bash
# Active-active directors, issue #18: in the IPVS VM of test/kernel, three
# directors run govrrpd with the same DR virtual server behind an L4-hash
# ECMP router; one dies and the route is replaced without it. Prints how
# many of the client's connections are still answered, and by the same
# real server: with mh + sloppy_tcp (the design, docs/scale-out.md), with
# rr, wlc and mh without sloppy_tcp (the contrast), and after a real
# server flapped on one director, with and without inhibit_on_failure.
# benchreport reads the ROW lines.
#
#   FLOWBENCH_CONNS   client connections (default 2000: the flap's few
#                     lost connections in a thousand show)
#   FLOWBENCH_CASES   cases (default all six)
#   GOVRRPD_BIN       a static govrrpd to measure (default: built from the tree)
set -euo pipefail
cd "$(dirname "$0")/.."
command -v qemu-system-x86_64 >/dev/null || { echo "flows-vm.sh: qemu-system-x86 not installed; skipped"; exit 0; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. bench/vmbin.sh
files=$(vm_binaries "$tmp/bin")
CGO_ENABLED=0 go build -o "$tmp/flowbench" ./tools/flowbench
GOVRRPD_VM_FILES="$files" GOVRRPD_VM_TIMEOUT=${GOVRRPD_VM_TIMEOUT:-900} \
	test/kernel/vmrun.sh "$tmp/flowbench" -conns "${FLOWBENCH_CONNS:-2000}" \
	-cases "${FLOWBENCH_CASES:-mh,rr,wlc,mh-nosloppy,mh-flap,mh-flap-inhibit}"
