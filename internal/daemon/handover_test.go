package daemon

import (
	"net/netip"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/vrrp"
)

// On SIGTERM the loop has ended; awaitHandovers keeps adverts and timers
// flowing on the real clock and the real timerfd until the successor is
// heard (plus the 20 ms grace), then the VIP goes.
func TestAwaitHandoversRealClock(t *testing.T) {
	h := newHarness(t, oneInstance, "eth0=192.0.2.1")
	h.advance(4 * time.Second) // MASTER on the fake clock
	w, err := (&linuxSystem{}).NewWaker()
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	h.d.wake, h.d.now = w, time.Now
	in := h.d.insts[0]
	vip := netip.MustParsePrefix("192.0.2.100/24")
	start := time.Now()
	h.d.beginShutdown()
	if !in.m.Leaving() || !h.sys.holds(vip) {
		t.Fatalf("after SIGTERM: leaving %v, VIP held %v; want both", in.m.Leaving(), h.sys.holds(vip))
	}
	var b []byte
	var a vrrp.Advert
	if err := in.adv.fill(&a, 1, 150, vipsOf(in)); err != nil {
		t.Fatal(err)
	}
	if b, err = a.AppendTo(nil, mustAddr("192.0.2.2"), vrrp.Group(vrrp.IPv4), vrrp.ChecksumDefault); err != nil {
		t.Fatal(err)
	}
	go func() {
		time.Sleep(600 * time.Millisecond) // past the successor's Skew_Time (0.41 s)
		// As the reader posts it: the packets of one socket read.
		h.d.events <- &evPackets{sock: in.sock, pkts: []rxPacket{{payload: b, at: time.Now(), src: mustAddr("192.0.2.2"),
			dst: vrrp.Group(vrrp.IPv4), ttl: 255}}}
	}()
	h.d.awaitHandovers()
	took := time.Since(start)
	if h.sys.holds(vip) || in.m.Leaving() {
		t.Fatalf("after the successor: VIP held %v, leaving %v", h.sys.holds(vip), in.m.Leaving())
	}
	if took < 600*time.Millisecond || took > 1100*time.Millisecond {
		t.Errorf("handover took %v, want the successor's 0.6 s + 20 ms grace, well within the 1.1 s hold", took)
	}
}

// Nobody takes over: the hold (1.1 s at v2) ends the wait.
func TestAwaitHandoversHoldRunsOut(t *testing.T) {
	h := newHarness(t, oneInstance, "eth0=192.0.2.1")
	h.advance(4 * time.Second)
	w, err := (&linuxSystem{}).NewWaker()
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	h.d.wake, h.d.now = w, time.Now
	start := time.Now()
	h.d.beginShutdown()
	h.d.awaitHandovers()
	took := time.Since(start)
	if h.sys.holds(netip.MustParsePrefix("192.0.2.100/24")) {
		t.Fatal("VIP still held after the hold")
	}
	if took < 1100*time.Millisecond || took > 2*time.Second {
		t.Errorf("released after %v, want the 1.1 s hold", took)
	}
}

// -V keeps the VIPs and does not wait at all.
func TestShutdownKeepsVIPsWithDontRelease(t *testing.T) {
	h := newHarness(t, oneInstance, "eth0=192.0.2.1")
	h.advance(4 * time.Second)
	h.d.opts.DontReleaseVRRP = true
	start := time.Now()
	h.d.shutdown()
	if time.Since(start) > 500*time.Millisecond {
		t.Errorf("-V shutdown waited %v", time.Since(start))
	}
	if !h.sys.holds(netip.MustParsePrefix("192.0.2.100/24")) {
		t.Error("-V released the VIP")
	}
	if h.sys.open != 0 {
		t.Errorf("%d ports left open", h.sys.open)
	}
}
