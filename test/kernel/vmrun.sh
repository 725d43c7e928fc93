#!/usr/bin/env bash
# Run a static binary as root inside a throwaway VM booted from Debian's own
# kernel with the IPVS modules loaded, print what it printed, and exit with
# its exit code. Usable as `go test -exec test/kernel/vmrun.sh` (with
# CGO_ENABLED=0) or directly: vmrun.sh BINARY [ARGS...].
#
# No traffic leaves the VM: qemu runs with -nic none.
#
#   GOVRRPD_VM_CACHE    kernel cache from fetch.sh (default ~/.cache/govrrpd-ipvsvm)
#   GOVRRPD_VM_TIMEOUT  seconds before the VM is killed (default 300; exit 124)
#   GOVRRPD_VM_ENV      names of environment variables to pass into the VM
#   GOVRRPD_VM_LOG      keep the raw console log in this file
#   GOVRRPD_VM_VERBOSE  1 = mirror the raw console to stderr afterwards
# Exit codes: the binary's, 124 on timeout, 125 when the VM itself failed.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
[ $# -ge 1 ] || { echo "usage: vmrun.sh BINARY [ARGS...]" >&2; exit 125; }
bin=$1
shift

qemu=$(command -v qemu-system-x86_64) || { echo "vmrun.sh: qemu-system-x86_64 not installed" >&2; exit 125; }
cache=$("$here/fetch.sh") || { echo "vmrun.sh: no kernel (fetch.sh failed)" >&2; exit 125; }
kver=$(cat "$cache/kver")
if ! file -L "$bin" 2>/dev/null | grep -q 'statically linked' && ldd "$bin" >/dev/null 2>&1; then
	echo "vmrun.sh: $bin is dynamically linked; build it with CGO_ENABLED=0" >&2
	exit 125
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/govrrpd-vm.XXXXXX")
qpid=
cleanup() {
	if [ -n "$qpid" ] && kill -0 "$qpid" 2>/dev/null; then kill -KILL "$qpid" 2>/dev/null || true; fi
	rm -rf "$work"
}
trap cleanup EXIT

"$here/mkinitramfs.sh" "$cache" "$work/root" "$bin" "$@"
(cd "$work/root" && find . | busybox cpio -o -H newc 2>/dev/null) >"$work/initrd.cpio"

log="$work/console.log"
bios=()
[ -f /usr/share/qemu/qboot.rom ] && bios=(-bios /usr/share/qemu/qboot.rom)
"$qemu" -M pc "${bios[@]}" -accel tcg,thread=multi -m 1024 -smp 2 -nographic -no-reboot -nic none \
	-kernel "$cache/vmlinux" -initrd "$work/initrd.cpio" \
	-append "console=ttyS0 quiet loglevel=1 panic=-1" </dev/null >"$log" 2>&1 &
qpid=$!

timeout=${GOVRRPD_VM_TIMEOUT:-300}
deadline=$((SECONDS + timeout))
rc=
while kill -0 "$qpid" 2>/dev/null; do
	if [ $SECONDS -ge $deadline ]; then
		kill -TERM "$qpid" 2>/dev/null || true
		sleep 5
		kill -KILL "$qpid" 2>/dev/null || true
		rc=124
		break
	fi
	sleep 0.1
done
wait "$qpid" 2>/dev/null || true
qpid=

[ -n "${GOVRRPD_VM_LOG:-}" ] && cp "$log" "$GOVRRPD_VM_LOG"
[ "${GOVRRPD_VM_VERBOSE:-}" = 1 ] && cat "$log" >&2
# Print only what the binary printed, without the serial console's \r.
tr -d '\r' <"$log" | awk '/@@VM-TEST-EXIT=/ {exit} p {print} /@@VM-TEST-BEGIN@@/ {p=1}'
if [ -z "$rc" ]; then
	rc=$(tr -d '\r' <"$log" | sed -n 's/.*@@VM-TEST-EXIT=\([0-9]*\)@@.*/\1/p' | tail -1)
	if [ -z "$rc" ]; then
		echo "vmrun.sh: the VM stopped without a result; console:" >&2
		tail -20 "$log" >&2
		rc=125
	fi
else
	echo "vmrun.sh: timeout after ${timeout}s" >&2
fi
exit "$rc"
