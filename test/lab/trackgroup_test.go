package lab_test

import (
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/tools/lab"
)

// trackGroupConfs gives r1 (150) a track_group holding VI_1 and the static
// entries in extra; r2 (100) is a plain backup.
func trackGroupConfs(static string) []string {
	cs := confs([]int{150, 100}, func(i int, c *instanceConf) { c.AdvertInt, c.Version = "0.1", 3 })
	cs[0] = "track_group TG {\n    group {\n        VI_1\n    }\n}\n" + static + cs[0]
	return cs
}

// must runs a command on h and fails the test if it fails.
func must(t *testing.T, h *lab.Host, name string, args ...string) string {
	t.Helper()
	out, err := h.Run(name, args...)
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return out
}

// waitOutput polls a command until its output contains (or, with absent,
// lacks) text.
func waitOutput(t *testing.T, h *lab.Host, text string, absent bool, d time.Duration, name string, args ...string) {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		out, _ := h.Run(name, args...)
		if strings.Contains(out, text) != absent {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %s, %s %s: want text %q present=%t, got:\n%s", d, name, strings.Join(args, " "), text, !absent, out)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// addVeth makes a veth pair inside the router's namespace, both ends up,
// so the tracked end has carrier.
func addVeth(t *testing.T, h *lab.Host, name string) {
	t.Helper()
	must(t, h, "ip", "link", "add", name, "type", "veth", "peer", "name", name+"p")
	must(t, h, "ip", "link", "set", name+"p", "up")
	must(t, h, "ip", "link", "set", name, "up")
}

// keepalived's rules for a static address and route with track_group:
// deleted while their interface is there, they are put back and nothing
// faults; with the interface gone they cannot be, and the group's
// instance goes FAULT (r2 takes over); when the interface returns they
// are put back and r1, leaving FAULT, preempts again.
func TestTrackGroupStaticAddressAndRoute(t *testing.T) {
	r := newRig(t, 2)
	h := r.lab.Routers[0]
	addVeth(t, h, "tg0")
	cs := trackGroupConfs("static_ipaddress {\n    198.51.100.1/24 dev tg0 track_group TG\n}\n" +
		"static_routes {\n    203.0.113.0/24 via 198.51.100.254 dev tg0 track_group TG\n}\n")
	r.start(0, "govrrpd", cs[0])
	r.waitMaster(vip4, 0, 4*time.Second)
	r.start(1, "govrrpd", cs[1])
	r.stable(vip4, 0, 500*time.Millisecond)
	addrOn := []string{"-4", "addr", "show", "dev", "tg0"}
	route := []string{"route", "show", "203.0.113.0/24"}
	waitOutput(t, h, "198.51.100.1/24", false, time.Second, "ip", addrOn...)
	waitOutput(t, h, "via 198.51.100.254", false, time.Second, "ip", route...)

	// Deleted by someone else, interface still up: put back, no fault.
	must(t, h, "ip", "route", "del", "203.0.113.0/24")
	waitOutput(t, h, "via 198.51.100.254", false, 2*time.Second, "ip", route...)
	waitLog(t, r, "r1", "Restoring deleted static route", time.Second)
	// The kernel silently drops the route with the address its gateway
	// needs; both come back.
	must(t, h, "ip", "addr", "del", "198.51.100.1/24", "dev", "tg0")
	waitOutput(t, h, "198.51.100.1/24", false, 2*time.Second, "ip", addrOn...)
	waitOutput(t, h, "via 198.51.100.254", false, 2*time.Second, "ip", route...)
	waitLog(t, r, "r1", "Restoring deleted static address", time.Second)
	r.stable(vip4, 0, 500*time.Millisecond)

	// The interface goes away with both entries: they cannot be restored.
	t0 := time.Now()
	must(t, h, "ip", "link", "del", "tg0")
	took := r.waitMaster(vip4, 1, 3*time.Second).Sub(t0)
	t.Logf("static entries lost: r2 took over after %v", took.Round(time.Millisecond))
	waitLog(t, r, "r1", "track_group down", time.Second)

	// A reload that restarts VI_1 (a GARP setting changed) keeps it in
	// FAULT: it must not preempt r2 on the way.
	changed := strings.Replace(cs[0], "    priority 150\n", "    priority 150\n    garp_master_repeat 3\n", 1)
	if err := os.WriteFile(r.confs["r1"], []byte(changed), 0o644); err != nil {
		t.Fatal(err)
	}
	r.procs["r1"].Signal(syscall.SIGHUP)
	waitLog(t, r, "r1", "reload complete", 2*time.Second)
	waitLog(t, r, "r1", "restarting it", time.Second)
	r.stable(vip4, 1, time.Second)

	// The interface is back: entries restored, r1 leaves FAULT and preempts.
	addVeth(t, h, "tg0")
	r.waitMaster(vip4, 0, 5*time.Second)
	waitOutput(t, h, "198.51.100.1/24", false, time.Second, "ip", addrOn...)
	waitOutput(t, h, "via 198.51.100.254", false, time.Second, "ip", route...)
	waitLog(t, r, "r1", "track_group up", time.Second)
}

// A static rule with track_group is tracked through its iif: that link
// going down faults the group, coming up clears it. A rule deleted by
// someone else is put back (govrrpd notices within a second).
func TestTrackGroupStaticRule(t *testing.T) {
	r := newRig(t, 2)
	h := r.lab.Routers[0]
	addVeth(t, h, "tg1")
	cs := trackGroupConfs("static_rules {\n    from 198.51.100.0/24 iif tg1 table 100 preference 100 track_group TG\n}\n")
	r.start(0, "govrrpd", cs[0])
	r.waitMaster(vip4, 0, 4*time.Second)
	r.start(1, "govrrpd", cs[1])
	r.stable(vip4, 0, 500*time.Millisecond)
	rule := "from 198.51.100.0/24 iif tg1 lookup 100"
	waitOutput(t, h, rule, false, time.Second, "ip", "rule", "show")

	must(t, h, "ip", "rule", "del", "preference", "100")
	waitOutput(t, h, rule, false, 3*time.Second, "ip", "rule", "show")
	waitLog(t, r, "r1", "Restoring deleted static rule", time.Second)
	r.stable(vip4, 0, 300*time.Millisecond)

	must(t, h, "ip", "link", "set", "tg1", "down")
	r.waitMaster(vip4, 1, 3*time.Second)
	must(t, h, "ip", "link", "set", "tg1", "up")
	r.waitMaster(vip4, 0, 5*time.Second)
	waitOutput(t, h, rule, false, time.Second, "ip", "rule", "show")
}
