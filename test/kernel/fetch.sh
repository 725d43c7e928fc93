#!/usr/bin/env bash
# Fetch Debian's own kernel (no apt install: that would build an unused
# initrd for minutes) and keep only what an IPVS test VM needs: the
# PVH-bootable ELF vmlinux and the net/crypto/lib modules (the initramfs
# builder writes a modules.dep for the subset it packs).
# Prints the cache directory. Idempotent: a complete cache is reused.
#
#   GOVRRPD_VM_CACHE   cache directory (default ~/.cache/govrrpd-ipvsvm)
set -euo pipefail

cache=${GOVRRPD_VM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/govrrpd-ipvsvm}
mkdir -p "$cache"
if [ -s "$cache/vmlinux" ] && [ -s "$cache/kver" ] && [ -d "$cache/root/lib/modules/$(cat "$cache/kver")" ]; then
	echo "$cache"
	exit 0
fi

for tool in apt-cache apt-get dpkg-deb xz busybox; do
	command -v "$tool" >/dev/null || { echo "fetch.sh: $tool not found" >&2; exit 2; }
done

# The kernel package name changes with Debian point releases; the
# metapackage names the current one.
pkg=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
if [ -z "$pkg" ]; then
	echo "fetch.sh: cannot resolve linux-image-amd64 (run apt-get update)" >&2
	exit 2
fi
kver=${pkg#linux-image-}

work=$(mktemp -d "$cache/fetch.XXXXXX")
trap 'rm -rf "$work"' EXIT
(cd "$work" && apt-get download -q -o APT::Sandbox::User=root "$pkg" >/dev/null)
deb=$(ls "$work"/*.deb)

rm -rf "$cache/root"
mkdir -p "$cache/root"
dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$cache/root" \
	"./boot/vmlinuz-$kver" \
	"./lib/modules/$kver/kernel/net" "./lib/modules/$kver/kernel/drivers/net" \
	"./lib/modules/$kver/kernel/lib" "./lib/modules/$kver/kernel/crypto" \
	"./lib/modules/$kver/modules.order" "./lib/modules/$kver/modules.builtin" \
	"./lib/modules/$kver/modules.builtin.modinfo" 2>/dev/null ||
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$cache/root" --wildcards "./boot/vmlinuz-*" "./lib/modules/*"
# Debian 13 compresses modules; the initramfs loads them with insmod.
find "$cache/root/lib/modules" -name '*.ko.xz' -exec xz -d {} +

# The bzImage is XZ-compressed, which costs ~3 s per boot under TCG.
# Extract the ELF inside it once: Debian builds with CONFIG_PVH, so qemu
# boots the ELF directly.
vmlinuz="$cache/root/boot/vmlinuz-$kver"
off=$(grep -abo $'\xfd7zXZ\x00' "$vmlinuz" | head -1 | cut -d: -f1)
tail -c +$((off + 1)) "$vmlinuz" | xz -dc --single-stream >"$cache/vmlinux.tmp" 2>/dev/null || true
if ! head -c 4 "$cache/vmlinux.tmp" | grep -q $'\x7fELF'; then
	echo "fetch.sh: no ELF vmlinux inside $vmlinuz" >&2
	exit 2
fi
mv "$cache/vmlinux.tmp" "$cache/vmlinux"
echo "$kver" >"$cache/kver"
echo "$cache"
