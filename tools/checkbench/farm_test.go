package main

import (
	"net"
	"net/netip"
	"testing"
	"time"
)

func TestTargetsLayout(t *testing.T) {
	ts := targets(2500)
	seen := map[netip.AddrPort]bool{}
	for _, a := range ts {
		if seen[a] || !a.Addr().IsLoopback() || a.Port() < 20000 || a.Port() >= 21000 {
			t.Fatalf("bad or duplicate target %v", a)
		}
		seen[a] = true
	}
	if ts[0].String() != "127.0.0.1:20000" || ts[999].String() != "127.0.0.1:20999" || ts[1000].String() != "127.0.0.2:20000" || ts[2499].String() != "127.0.0.3:20499" {
		t.Errorf("layout: %v %v %v %v", ts[0], ts[999], ts[1000], ts[2499])
	}
}

// TestFarmCountsConnections checks the listener side against connections
// the test makes itself: each arrival is recorded once, per target.
func TestFarmCountsConnections(t *testing.T) {
	any := netip.MustParseAddrPort("127.0.0.1:0") // the kernel picks each port
	f, err := startFarm([]netip.AddrPort{any, any, any}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	defer f.close()
	want := []int{3, 0, 1}
	for i, n := range want {
		for range n {
			c, err := net.Dial("tcp", f.ls[i].Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			c.Close()
		}
	}
	// A dial returns once the kernel queued the connection; wait for the
	// accept loops before closing, which would drop what is still queued.
	for deadline := time.Now().Add(5 * time.Second); f.total.Load() < 4 && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	f.close()
	for i, n := range want {
		if len(f.hits[i]) != n {
			t.Errorf("target %d: %d arrivals, want %d", i, len(f.hits[i]), n)
		}
	}
	if f.seen() != 2 {
		t.Errorf("seen() = %d, want 2", f.seen())
	}
}

func TestFarmPortInUse(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	taken := netip.MustParseAddrPort(l.Addr().String())
	if _, err := startFarm([]netip.AddrPort{taken}, time.Now()); err == nil {
		t.Error("a target whose port is taken must be an error, or its checks would go elsewhere")
	}
}
