# shellcheck shell=bash
# Sourced by the VM benchmarks. vm_binaries DIR puts a static govrrpd and
# the helpers it runs into DIR — GOVRRPD_BIN and the helpers beside it, or
# a build of ./cmd/... — and prints the files for GOVRRPD_VM_FILES, which
# copies each to the guest's /bin, side by side, where govrrpd finds them.
# govrrpd-bgp stays out: no VM benchmark runs BGP, and it is the largest
# file. The helpers are named (not globbed) because GOVRRPD_BIN may sit in
# a directory such as /tmp.
vm_helpers="govrrpd-ops govrrpd-check"
vm_binaries() {
	local dir=$1 h files
	mkdir -p "$dir"
	if [ -n "${GOVRRPD_BIN:-}" ] && ! ldd "$GOVRRPD_BIN" >/dev/null 2>&1; then
		cp "$GOVRRPD_BIN" "$dir/govrrpd"
		for h in $vm_helpers; do
			if [ -x "$(dirname "$GOVRRPD_BIN")/$h" ]; then cp "$(dirname "$GOVRRPD_BIN")/$h" "$dir/"; fi
		done
	else
		CGO_ENABLED=0 go build -o "$dir/" ./cmd/... >&2
	fi
	files="$dir/govrrpd"
	for h in $vm_helpers; do
		if [ -f "$dir/$h" ]; then files+=" $dir/$h"; fi
	done
	echo "$files"
}
