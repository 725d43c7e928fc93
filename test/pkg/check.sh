#!/usr/bin/env bash
# Install govrrpd's .deb on this machine and check it as an operator would
# meet it, then remove it again (root; CI runs it through `make deb-check`):
#   - dpkg -i; the files are where govrrpd(8) says (the helpers in
#     /usr/libexec/govrrpd, executable and static); no keepalived
#     alternative was registered (only the administrator makes one);
#   - the man pages lint clean as installed; `systemd-analyze verify` accepts
#     the unit (offline: it needs no running systemd, see below);
#   - the unit's exact ExecStart line, with /etc/default/govrrpd's
#     DAEMON_ARGS set to the example config, runs in a network namespace:
#     the VIP comes up, the pid file is keepalived's (mode 0644, the pid),
#     `govrrpd status` (carried out by the installed govrrpd-ops) shows
#     the master, ExecReload keeps it running, SIGTERM removes the VIP and
#     pid files;
#   - dpkg -r leaves nothing but the conffile; dpkg -P leaves nothing.
# The package is never left installed, whatever fails.
set -euo pipefail

deb=${1:?usage: check.sh govrrpd_VERSION_ARCH.deb}
[ "$(id -u)" = 0 ] || { echo "check.sh: needs root (dpkg -i, namespaces)"; exit 1; }
[ -f "$deb" ] || { echo "check.sh: no such package: $deb"; exit 1; }
if dpkg-query -W -f='${Status}' govrrpd 2>/dev/null | grep -q installed; then
	echo "check.sh: govrrpd is already installed here; not touching it"
	exit 1
fi

ns="govrrpd-pkg-$$-$RANDOM"
work=$(mktemp -d)
pid=""
made_run=""
fail() { echo "FAIL: $*"; exit 1; }
ok() { echo "ok: $*"; }
cleanup() {
	set +e
	[ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null && sleep 2 && kill -KILL "$pid" 2>/dev/null
	ip netns del "$ns" 2>/dev/null
	[ -n "$made_run" ] && rm -rf /run/govrrpd
	dpkg-query -W govrrpd >/dev/null 2>&1 && dpkg -P govrrpd >/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

echo "== dpkg -i $deb"
dpkg -i "$deb"
helpers="/usr/libexec/govrrpd/govrrpd-bgp /usr/libexec/govrrpd/govrrpd-check /usr/libexec/govrrpd/govrrpd-ops"
for f in /usr/sbin/govrrpd $helpers /lib/systemd/system/govrrpd.service /etc/default/govrrpd \
	/usr/share/man/man8/govrrpd.8.gz /usr/share/man/man5/govrrpd.conf.5.gz \
	/usr/share/doc/govrrpd/examples/keepalived.conf; do
	[ -f "$f" ] || fail "$f not installed"
done
[ "$(dpkg-query -W -f='${Conffiles}' govrrpd | awk 'NF {print $1}')" = /etc/default/govrrpd ] ||
	fail "conffiles are not exactly /etc/default/govrrpd"
/usr/sbin/govrrpd --version
for b in /usr/sbin/govrrpd $helpers; do
	[ -x "$b" ] || fail "$b is not executable"
	file -b "$b" 2>/dev/null | grep -q 'statically linked' || ldd "$b" 2>&1 | grep -q 'not a dynamic' ||
		fail "$b is not static"
done
if update-alternatives --query keepalived 2>/dev/null | grep -q govrrpd; then
	fail "the package registered a keepalived alternative by itself"
fi
ok "files in place, static binaries, no alternative registered"

echo "== man pages"
for m in /usr/share/man/man8/govrrpd.8.gz /usr/share/man/man5/govrrpd.conf.5.gz; do
	out=$(zcat "$m" | groff -ww -man -Tutf8 -z 2>&1) || fail "groff $m: $out"
	[ -z "$out" ] || fail "groff -ww $m: $out"
	out=$(mandoc -T lint -W warning "$m" 2>&1) || fail "mandoc $m: $out"
done
man -w govrrpd >/dev/null && man -w govrrpd.conf >/dev/null || fail "man cannot find the pages"
ok "man pages lint clean"

echo "== systemd-analyze verify"
# Offline mode: without systemd as PID 1 (CI containers), verify still loads
# the unit and its dependencies from the unit paths; it needs root. Messages
# about other units on the machine are not ours, so only lines naming
# govrrpd.service count.
out=$(systemd-analyze verify /lib/systemd/system/govrrpd.service 2>&1) || {
	echo "$out"
	fail "systemd-analyze verify exited non-zero"
}
if echo "$out" | grep -i govrrpd; then fail "systemd-analyze verify complained about govrrpd.service"; fi
ok "systemd-analyze verify"

echo "== ExecStart in namespace $ns"
ip netns add "$ns"
ip -n "$ns" link add eth0 type veth peer name peer0
ip -n "$ns" link set lo up
ip -n "$ns" link set eth0 up
ip -n "$ns" link set peer0 up
ip -n "$ns" addr add 192.0.2.1/24 dev eth0
if [ ! -d /run/govrrpd ]; then mkdir -m 0755 /run/govrrpd; made_run=1; fi # RuntimeDirectory=
exec_start=$(sed -n 's/^ExecStart=//p' /lib/systemd/system/govrrpd.service)
[ -n "$exec_start" ] || fail "no ExecStart in the unit"
# EnvironmentFile=/etc/default/govrrpd, with the operator's edit: the
# example file, router lb1; VRRP only when the kernel has no IPVS.
DAEMON_ARGS=""
. /etc/default/govrrpd
DAEMON_ARGS="$DAEMON_ARGS -f /usr/share/doc/govrrpd/examples/keepalived.conf -i lb1 -l -G"
if ! ip netns exec "$ns" sh -c 'test -e /proc/net/ip_vs' && ! modprobe -q ip_vs 2>/dev/null; then
	echo "note: no IPVS in this kernel; running the VRRP half (-P)"
	DAEMON_ARGS="$DAEMON_ARGS -P"
fi
# systemd splits $DAEMON_ARGS on whitespace, as the shell does here.
cmd=${exec_start//\$DAEMON_ARGS/$DAEMON_ARGS}
echo "$cmd"
# shellcheck disable=SC2086
ip netns exec "$ns" $cmd >"$work/log" 2>&1 &
pid=$!
for _ in $(seq 100); do
	ip -n "$ns" addr show eth0 | grep -q 192.0.2.200 && break
	kill -0 "$pid" 2>/dev/null || { cat "$work/log"; fail "govrrpd exited"; }
	sleep 0.1
done
ip -n "$ns" addr show eth0 | grep -q 192.0.2.200 || { cat "$work/log"; fail "VIP 192.0.2.200 not up within 10 s"; }
ok "master with its VIP"
# /usr/sbin/govrrpd finds /usr/libexec/govrrpd/govrrpd-ops and runs it;
# the daemon listens on the default control socket.
out=$(/usr/sbin/govrrpd status 2>&1) || { rc=$?; echo "$out"; cat "$work/log"; fail "govrrpd status exited $rc"; }
echo "$out" | grep -q MASTER || { echo "$out"; fail "govrrpd status does not show the master"; }
ok "govrrpd status through the installed helper"
[ "$(cat /run/govrrpd/govrrpd.pid)" = "$pid" ] || fail "pid file does not hold $pid"
[ "$(stat -c %a /run/govrrpd/govrrpd.pid)" = 644 ] || fail "pid file mode $(stat -c %a /run/govrrpd/govrrpd.pid)"
reload=$(sed -n 's/^ExecReload=//p' /lib/systemd/system/govrrpd.service)
MAINPID=$pid
eval "$reload"
sleep 1
kill -0 "$pid" 2>/dev/null || { cat "$work/log"; fail "govrrpd died on ExecReload"; }
grep -q 'reloading configuration' "$work/log" || fail "no reload in the log"
kill -TERM "$pid"
for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$pid" 2>/dev/null && fail "govrrpd still running 5 s after SIGTERM"
wait "$pid" || fail "govrrpd exited $? after SIGTERM"
pid=""
ip -n "$ns" addr show eth0 | grep -q 192.0.2.200 && fail "VIP left after stop"
ls /run/govrrpd/*.pid >/dev/null 2>&1 && fail "pid files left after stop"
ok "pid file, reload, stop"
ip netns del "$ns"

echo "== dpkg -r"
dpkg -L govrrpd >"$work/files"
dpkg -r govrrpd
[ "$(dpkg-query -W -f='${Status}' govrrpd)" = "deinstall ok config-files" ] || fail "state after remove: $(dpkg-query -W -f='${Status}' govrrpd)"
while read -r f; do
	[ "$f" = /etc/default/govrrpd ] && continue
	[ -d "$f" ] && continue # shared directories (and /lib → usr/lib) stay
	if [ -f "$f" ] || [ -L "$f" ]; then fail "$f left after dpkg -r"; fi
done <"$work/files"
[ -f /etc/default/govrrpd ] || fail "conffile removed by dpkg -r"
left=$(dpkg -L govrrpd | grep -v -x -e /etc/default/govrrpd -e /etc -e /etc/default -e '/\.' || true)
[ -z "$left" ] || fail "dpkg -L still lists: $left"
dpkg -S /usr/sbin/govrrpd >/dev/null 2>&1 && fail "dpkg -S still finds /usr/sbin/govrrpd"
ok "only /etc/default/govrrpd left"

echo "== dpkg -P"
dpkg -P govrrpd
[ -e /etc/default/govrrpd ] && fail "/etc/default/govrrpd left after purge"
dpkg-query -W govrrpd >/dev/null 2>&1 && fail "package still known after purge"
ok "purged"
echo "PASS: package checks"
