#!/usr/bin/env bash
# IPVS benchmark against a real kernel: boots Debian's kernel under qemu
# (test/kernel) and runs BenchmarkKernelIPVS, which prints the reconciler's
# initial apply of 1,000 services x 10 destinations next to the floor
# (moby/ipvs direct) and ipvsadm -R, and the one-change reload.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v qemu-system-x86_64 >/dev/null || { echo "ipvs-vm.sh: qemu-system-x86 not installed; skipped"; exit 0; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
CGO_ENABLED=0 go test -c -tags ipvskernel -o "$tmp/ipvs.test" ./ipvs
cd ipvs
GOVRRPD_VM_TIMEOUT=${GOVRRPD_VM_TIMEOUT:-600} ../test/kernel/vmrun.sh "$tmp/ipvs.test" \
	-test.run '^$' -test.bench '^BenchmarkKernelIPVS$' -test.benchtime 1x -test.benchmem
