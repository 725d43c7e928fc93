package garp

import (
	"bytes"
	"net"
	"net/netip"
	"testing"
	"time"

	"github.com/mdlayher/packet"
	"golang.org/x/sys/unix"

	"github.com/govrrpd/govrrpd/tools/nstest"
)

// TestAnnounceSendsPreparedFrames sends from one end of a veth pair in a
// namespace of its own and reads the other end: count frames per address,
// each byte-identical to Frame's, for prepared and unprepared addresses.
func TestAnnounceSendsPreparedFrames(t *testing.T) {
	ns := nstest.New(t, "garp")
	nstest.IP(t, "-n", ns, "link", "add", "g0", "type", "veth", "peer", "name", "g1")
	nstest.IP(t, "-n", ns, "link", "set", "g0", "up")
	nstest.IP(t, "-n", ns, "link", "set", "g1", "up")

	var s *Sender
	var rx *packet.Conn
	err := nstest.Run(ns, func() error {
		var err error
		if s, err = NewSender("g0"); err != nil {
			return err
		}
		g1, err := net.InterfaceByName("g1")
		if err != nil {
			return err
		}
		rx, err = packet.Listen(g1, packet.Raw, unix.ETH_P_ARP, nil)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	defer rx.Close()

	// A veth drops what it is given before it has carrier, a moment after
	// both ends are up (longer on a loaded machine).
	waitCarrier(t, ns, "g0")

	prepared, other := netip.MustParseAddr("192.0.2.7"), netip.MustParseAddr("192.0.2.8")
	if err := s.Prepare(nil, []netip.Addr{prepared}); err != nil {
		t.Fatal(err)
	}
	if err := s.Announce(nil, []netip.Addr{prepared, other}, 3); err != nil {
		t.Fatal(err)
	}
	got := map[netip.Addr]int{}
	buf := make([]byte, 1500)
	for i := 0; i < 6; i++ {
		_ = rx.SetReadDeadline(time.Now().Add(2 * time.Second))
		n, _, err := rx.ReadFrom(buf)
		if err != nil {
			t.Fatalf("frame %d: %v (got %v)", i+1, err, got)
		}
		f := buf[:n]
		a, _ := netip.AddrFromSlice(f[14+24 : 14+28])
		want, err := Frame(s.ifi.HardwareAddr, a)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(f[:len(want)], want) {
			t.Fatalf("frame for %s differs from Frame:\n got %x\nwant %x", a, f, want)
		}
		got[a]++
	}
	if got[prepared] != 3 || got[other] != 3 {
		t.Errorf("frames per address: %v, want 3 each", got)
	}
	// Shared by several instances: one instance forgetting its address
	// leaves the others' frames.
	if s.Prepared() != 2 {
		t.Fatalf("prepared %d frames, want 2", s.Prepared())
	}
	s.Forget(nil, []netip.Addr{prepared})
	if s.Prepared() != 1 {
		t.Errorf("after Forget: %d frames, want 1 (the other address's)", s.Prepared())
	}
}

// waitCarrier polls until ifname in namespace ns is running (IFF_RUNNING:
// up with carrier).
func waitCarrier(t *testing.T, ns, ifname string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		var running bool
		err := nstest.Run(ns, func() error {
			ifi, err := net.InterfaceByName(ifname)
			running = err == nil && ifi.Flags&net.FlagRunning != 0
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if running {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s has no carrier after 10 s", ifname)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
