#!/usr/bin/env bash
# Reload at scale, issue #16: SIGHUP on 10,000 virtual servers x 10 real
# servers with TCP_CHECK (bench/genconf.py's 660k lines) in the IPVS VM of
# test/kernel, govrrpd -C beside keepalived 2.2.7 -C (keepalived's checker
# exits on a host without ip_vs): with the file unchanged, with one real
# server's weight changed, with one real server removed from the first
# virtual server and one from the last. keepalived is started afresh for
# each case; its figures are the change in the kernel (what a one-change
# case is judged against: its reload applies as it walks the virtual
# servers, the first edit early, the last late) and its "Reload complete"
# line with the change; one not done within the cap gives a lower bound.
# Prints the times, govrrpd's IPVS operations, and benchreport's ROW lines
# (figure, ratio, target, verdict).
#
#   RELOADBENCH_VS, RELOADBENCH_RS   sizes (default 10000, 10)
#   RELOADBENCH_IMPL                 implementations (default govrrpd,keepalived)
#   RELOADBENCH_CAP                  how long a reload may take before its figure is a bound (default 15m)
#   GOVRRPD_BIN                      a static govrrpd to measure (default: built from the tree)
set -euo pipefail
cd "$(dirname "$0")/.."
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
if ! command -v qemu-system-x86_64 >/dev/null || ! command -v keepalived >/dev/null; then
	echo "reload-vm.sh: qemu-system-x86 or keepalived not installed; skipped"
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. bench/vmbin.sh
files=$(vm_binaries "$tmp/bin")
CGO_ENABLED=0 go build -o "$tmp/reloadbench" ./tools/reloadbench
echo "== VM (qemu TCG, 2 vCPUs); host load average before: $(loadavg)"
GOVRRPD_VM_KEEPALIVED=1 GOVRRPD_VM_FILES="$files" GOVRRPD_VM_TIMEOUT=${GOVRRPD_VM_TIMEOUT:-7200} \
	test/kernel/vmrun.sh "$tmp/reloadbench" -vs "${RELOADBENCH_VS:-10000}" -rs "${RELOADBENCH_RS:-10}" \
	-impl "${RELOADBENCH_IMPL:-govrrpd,keepalived}" -apply-max "${RELOADBENCH_CAP:-15m}" -govrrpd /bin/govrrpd -keepalived /sbin/keepalived -workdir /tmp
echo "host load average after: $(loadavg)"
