#!/usr/bin/env bash
# Health-checker benchmark, issue #7: keepalived 2.2.7's checker and
# govrrpd's, side by side, on the same generated keepalived.conf (N real
# servers on loopback, TCP_CHECK every second) inside the IPVS VM of
# test/kernel — keepalived's checker exits on a host without ip_vs. Then
# govrrpd alone on this host at 10,000 servers for 60 s (BenchmarkTCPCheck10k).
#
#   CHECKBENCH_N        real servers in the VM (default 1000; a list runs each)
#   CHECKBENCH_D        measurement window in the VM (default 30s)
#   CHECKBENCH_ROUNDS   alternate keepalived/govrrpd this often (default 1)
#   CHECKBENCH_HOST     0 skips the host-side 10k run
#   CHECKBENCH_IMPL     implementations in the VM (default keepalived,govrrpd;
#                       govrrpd@GOMAXPROCS=1 runs a variant with that environment)
#   GOVRRPD_BIN         a static govrrpd to measure (default: built from the tree)
#   CHECKBENCH_THREADS  1 prints each daemon thread's CPU, switches and run slices
#   CHECKBENCH_STRACE   1 copies the host's strace (and its libraries) into the VM
#                       and, after each window, counts and traces the daemon's
#                       system calls (the measured figures are taken before)
# Prints the table: N, interval, duration, implementation, CPU s, CPU ratio,
# peak RSS, % of windows on time (docs/check-bench.md explains the columns).
set -euo pipefail
cd "$(dirname "$0")/.."
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if command -v qemu-system-x86_64 >/dev/null && command -v keepalived >/dev/null; then
	. bench/vmbin.sh
	files=$(vm_binaries "$tmp/bin")
	CGO_ENABLED=0 go build -o "$tmp/checkbench" ./tools/checkbench
	diag=()
	[ "${CHECKBENCH_THREADS:-0}" = 1 ] && diag+=(-threads)
	if [ "${CHECKBENCH_STRACE:-0}" = 1 ]; then
		# mkinitramfs.sh puts extra files in /bin; strace finds its
		# libraries there through LD_LIBRARY_PATH (libc comes with keepalived).
		files+=" $(command -v strace) $(ldd "$(command -v strace)" | awk '/=> \// {print $3}' | tr '\n' ' ')"
		diag+=(-strace /bin/strace)
	fi
	for n in ${CHECKBENCH_N:-1000}; do
		echo "== VM (qemu TCG, 2 vCPUs): keepalived -C and govrrpd -C, N=$n; host load average before: $(loadavg)"
		GOVRRPD_VM_KEEPALIVED=1 GOVRRPD_VM_FILES="$files" GOVRRPD_VM_TIMEOUT=${GOVRRPD_VM_TIMEOUT:-1200} \
			test/kernel/vmrun.sh "$tmp/checkbench" -n "$n" -d "${CHECKBENCH_D:-30s}" -rounds "${CHECKBENCH_ROUNDS:-1}" -impl "${CHECKBENCH_IMPL:-keepalived,govrrpd}" \
			-keepalived /sbin/keepalived -govrrpd /bin/govrrpd -workdir /tmp -devlog /dev/log -show-log 8 "${diag[@]}" || echo "(VM run exited $?)"
		echo "host load average after: $(loadavg)"
	done
else
	echo "check-vm.sh: qemu-system-x86 or keepalived not installed; the side-by-side run is skipped"
fi

if [ "${CHECKBENCH_HOST:-1}" != 0 ]; then
	echo "== host, no VM: govrrpd's check scheduler alone, N=10000, 60 s; load average before: $(loadavg)"
	go test ./check -run '^$' -bench 'TCPCheck10k' -benchtime 1x | grep -E 'govrrpd TCP_CHECK|Benchmark|ok|FAIL'
	echo "host load average after: $(loadavg)"
fi
