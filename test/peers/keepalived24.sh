#!/usr/bin/env bash
# Builds keepalived 2.4.3 from the shared source tarball once, as an interop
# peer for what keepalived 2.4 added (auth_hmac, v3_checksum_as_v2). Debian
# 12 ships 2.2.7, so the lab needs its own build; it goes under the user's
# cache (never over Debian's keepalived) keyed by the tarball's sha256, so a
# second run, another worktree or a re-clone reuses it.
#
# Prints the path of the built binary on stdout; everything else goes to
# stderr. Lab tests find the binary through $GOVRRPD_KEEPALIVED24 or the
# stable symlink $CACHE/keepalived24 this script maintains.
#
#   eval "export GOVRRPD_KEEPALIVED24=$(test/peers/keepalived24.sh)"
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
tarball=${GOVRRPD_KEEPALIVED24_TARBALL:-}
if [ -z "$tarball" ]; then
	# CI puts shared/ beside the clone; developers' worktrees sit one level deeper.
	for d in "$repo/../shared" "$repo/../../shared" /work/shared; do
		if [ -f "$d/peers/keepalived-2.4.3.tar.gz" ]; then
			tarball="$d/peers/keepalived-2.4.3.tar.gz"
			break
		fi
	done
fi
if [ -z "$tarball" ] || [ ! -f "$tarball" ]; then
	echo "keepalived24: keepalived-2.4.3.tar.gz not found beside the repository (../shared/peers)" >&2
	exit 1
fi

cache=${GOVRRPD_PEERS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/govrrpd/peers}
sum=$(sha256sum "$tarball" | cut -c1-16)
prefix="$cache/keepalived-2.4.3-$sum"
bin="$prefix/sbin/keepalived"

if [ ! -x "$bin" ]; then
	mkdir -p "$cache"
	# One builder at a time: parallel CI jobs or two worktrees may ask at once.
	exec 9>"$cache/.keepalived24.lock"
	flock 9
	if [ ! -x "$bin" ]; then
		work=$(mktemp -d "$cache/build.XXXXXX")
		trap 'rm -rf "$work"' EXIT
		echo "keepalived24: building $tarball into $prefix (a few minutes)" >&2
		tar xzf "$tarball" -C "$work"
		(
			cd "$work"/keepalived-2.4.3
			./autogen.sh
			./configure --prefix="$prefix"
			make -j"$(nproc)"
			make install
		) >"$work/build.log" 2>&1 || {
			tail -40 "$work/build.log" >&2
			echo "keepalived24: build failed" >&2
			exit 1
		}
	fi
	flock -u 9
fi

# Read the whole version text first: grep -q closing the pipe early would
# kill keepalived with SIGPIPE, and pipefail would call that a failure.
ver=$("$bin" --version 2>&1 || true)
case "$ver" in
*v2.4.3*) ;;
*)
	echo "keepalived24: $bin does not report v2.4.3" >&2
	exit 1
	;;
esac
ln -sfn "$prefix" "$cache/keepalived24"
echo "$bin"
