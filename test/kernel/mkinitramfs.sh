#!/usr/bin/env bash
# Lay out an initramfs tree: static busybox, the IPVS modules (with a
# modules.dep for the subset, so the guest's modprobe works), ipvsadm when
# the host has it, the test binary as /testbin, and an /init that runs it
# between markers and powers off.
#
#   mkinitramfs.sh CACHE DIR BINARY [ARGS...]
#
# Opt-in extras for benchmarks; the kernel tests set neither, so their
# initramfs stays small:
#   GOVRRPD_VM_KEEPALIVED=1  the host's keepalived as /sbin/keepalived, with
#                            its shared libraries (the checker-side
#                            comparison needs a real keepalived next to ip_vs)
#   GOVRRPD_VM_FILES         host files, space-separated, each copied to
#                            /bin/NAME (e.g. a static govrrpd)
set -euo pipefail

cache=$1 dir=$2 bin=$3
shift 3
kver=$(cat "$cache/kver")
mods="$cache/root/lib/modules/$kver"

mkdir -p "$dir"/{bin,sbin,proc,sys,dev,tmp,run,vmwork,etc,lib64,"lib/modules/$kver"}
cp "$(command -v busybox)" "$dir/bin/busybox"

# Load order, dependencies first. crc32c_generic is a softdep of libcrc32c
# that modules.dep does not list.
order=(
	kernel/crypto/crc32c_generic.ko kernel/lib/libcrc32c.ko
	kernel/net/ipv4/netfilter/nf_defrag_ipv4.ko kernel/net/ipv6/netfilter/nf_defrag_ipv6.ko
	kernel/net/netfilter/nf_conntrack.ko kernel/net/netfilter/nf_nat.ko
	kernel/net/netfilter/ipvs/ip_vs.ko
)
for s in rr wrr lc wlc lblc lblcr dh sh sed nq fo ovf mh twos pe_sip ftp; do
	order+=("kernel/net/netfilter/ipvs/ip_vs_$s.ko")
done
order+=(kernel/drivers/net/veth.ko kernel/drivers/net/dummy.ko kernel/net/llc/llc.ko kernel/net/802/stp.ko kernel/net/bridge/bridge.ko)
: >"$dir/modules.list"
for m in "${order[@]}"; do
	[ -f "$mods/$m" ] || continue # e.g. ip_vs_twos before Linux 6.2
	case $m in *ip_vs_pe_sip.ko) continue ;; esac # needs nf_conntrack_sip
	mkdir -p "$dir/lib/modules/$kver/$(dirname "$m")"
	cp "$mods/$m" "$dir/lib/modules/$kver/$m"
	echo "$m" >>"$dir/modules.list"
done
busybox depmod -b "$dir" "$kver" 2>/dev/null || true

# copy_with_libs PROG DEST: a dynamically linked host program and what ldd
# says it loads, at the same paths.
copy_with_libs() {
	cp "$1" "$dir$2"
	for lib in $(ldd "$1" | awk '/=>/ {print $3} /^\t\/lib/ {print $1}'); do
		mkdir -p "$dir$(dirname "$lib")"
		cp -L "$lib" "$dir$lib"
	done
}

# ipvsadm cross-checks the table and gives the ipvsadm-restore baseline.
if ipvsadm=$(command -v ipvsadm); then
	copy_with_libs "$ipvsadm" /sbin/ipvsadm
fi

if [ "${GOVRRPD_VM_KEEPALIVED:-}" = 1 ]; then
	ka=$(command -v keepalived) || { echo "mkinitramfs.sh: GOVRRPD_VM_KEEPALIVED=1 but keepalived is not installed" >&2; exit 2; }
	copy_with_libs "$ka" /sbin/keepalived
	mkdir -p "$dir/etc/keepalived" "$dir/var/run" "$dir/run/keepalived"
fi
for f in ${GOVRRPD_VM_FILES:-}; do
	cp "$f" "$dir/bin/$(basename "$f")"
done

cp "$bin" "$dir/testbin"
[ -d testdata ] && cp -r testdata "$dir/vmwork/"

q() { printf "'%s'" "${1//\'/\'\\\'\'}"; }
{
	echo '#!/bin/busybox sh'
	echo '/bin/busybox --install -s /bin'
	echo 'mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev; mount -t tmpfs tmp /tmp'
	echo "for m in \$(cat /modules.list); do insmod /lib/modules/$kver/\$m || echo \"insmod \$m failed\"; done"
	echo 'ip link set lo up'
	echo 'export PATH=/sbin:/bin HOME=/tmp TMPDIR=/tmp'
	for v in ${GOVRRPD_VM_ENV:-}; do
		[ -n "${!v+x}" ] && echo "export $v=$(q "${!v}")"
	done
	echo 'cd /vmwork'
	echo 'echo @@VM-TEST-BEGIN@@'
	printf '/testbin'
	for a in "$@"; do printf ' %s' "$(q "$a")"; done
	echo ' </dev/null 2>&1'
	echo 'echo "@@VM-TEST-EXIT=$?@@"'
	echo 'poweroff -f'
} >"$dir/init"
chmod +x "$dir/init"
