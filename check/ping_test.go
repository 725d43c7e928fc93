package check_test

import (
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/check"
	"github.com/govrrpd/govrrpd/srcpos"
	"github.com/govrrpd/govrrpd/tools/nstest"
)

// pingChecker's timeout is generous: under CI load (a qemu VM beside the
// test) a first echo in a fresh namespace has taken over 500 ms.
func pingChecker(addr string) check.Checker {
	return check.Checker{Kind: check.Ping, Source: srcpos.Make("t", 1), ConnectTimeout: 2 * time.Second,
		Target: check.Target{Service: "fwmark 1/4", Real: netip.AddrPortFrom(netip.MustParseAddr(addr), 0)}}
}

func TestPingLoopback(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("PING_CHECK test needs root (raw ICMP socket)")
	}
	wantUp(t, probeOnce(t, pingChecker("127.0.0.1")), true)
	wantUp(t, probeOnce(t, pingChecker("::1")), true)
}

// TestPingNamespace pings TEST-NET addresses inside a namespace the test
// creates, so nothing leaves the machine: an address on the namespace's lo
// answers, an unrouted one fails. The kernel installs an address's local
// route from a work queue, so the test waits for both routes before the
// first probe; an address that should answer gets three probes (a checker's
// retry), each failure named if none answers.
func TestPingNamespace(t *testing.T) {
	ns := nstest.New(t, "chk")
	nstest.IP(t, "-n", ns, "addr", "add", "192.0.2.1/32", "dev", "lo")
	nstest.IP(t, "-n", ns, "-6", "addr", "add", "2001:db8::1/128", "dev", "lo", "nodad")
	waitLocalRoute(t, ns, "192.0.2.1")
	waitLocalRoute(t, ns, "2001:db8::1")

	want := map[string]bool{"192.0.2.1": true, "198.51.100.1": false, "2001:db8::1": true, "2001:db8::2": false}
	got := map[string][]string{}
	err := nstest.Run(ns, func() error {
		for _, a := range []string{"192.0.2.1", "198.51.100.1", "2001:db8::1", "2001:db8::2"} {
			p, err := check.New(pingChecker(a))
			if err != nil {
				return err
			}
			for try := 0; try < 3; try++ {
				o := probeCtx(p, 2*time.Second)
				got[a] = append(got[a], fmt.Sprintf("up=%v (%s)", o.Up, o.Reason))
				if o.Up || !want[a] {
					break
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for a, up := range want {
		last := got[a][len(got[a])-1]
		if strings.HasPrefix(last, "up=true") != up {
			t.Errorf("ping %s in namespace: %s, want up=%v", a, strings.Join(got[a], "; "), up)
		}
	}
}

// waitLocalRoute polls until the namespace routes addr to itself.
func waitLocalRoute(t *testing.T, ns, addr string) {
	t.Helper()
	var out []byte
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		out, _ = exec.Command("ip", "-n", ns, "route", "get", addr).CombinedOutput()
		if strings.HasPrefix(string(out), "local ") {
			return
		}
	}
	t.Fatalf("%s: no local route for %s after 10 s: %s", ns, addr, out)
}
