package check_test

import (
	"net/netip"
	"os"
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
// answers, an unrouted one fails.
func TestPingNamespace(t *testing.T) {
	ns := nstest.New(t, "chk")
	nstest.IP(t, "-n", ns, "addr", "add", "192.0.2.1/32", "dev", "lo")
	nstest.IP(t, "-n", ns, "-6", "addr", "add", "2001:db8::1/128", "dev", "lo", "nodad")

	type res struct {
		addr string
		o    check.Outcome
	}
	results := make(chan res, 4)
	err := nstest.Run(ns, func() error {
		for _, a := range []string{"192.0.2.1", "198.51.100.1", "2001:db8::1", "2001:db8::2"} {
			p, err := check.New(pingChecker(a))
			if err != nil {
				return err
			}
			results <- res{a, probeCtx(p, 2*time.Second)}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	close(results)
	want := map[string]bool{"192.0.2.1": true, "198.51.100.1": false, "2001:db8::1": true, "2001:db8::2": false}
	for r := range results {
		if r.o.Up != want[r.addr] {
			t.Errorf("ping %s in namespace: up=%v (%s), want %v", r.addr, r.o.Up, r.o.Reason, want[r.addr])
		}
	}
}
