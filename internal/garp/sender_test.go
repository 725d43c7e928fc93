package garp

import (
	"bytes"
	"net"
	"net/netip"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/mdlayher/packet"
	"golang.org/x/sys/unix"

	"github.com/govrrpd/govrrpd/tools/nstest"
)

// vethPair makes g0 and g1 in a namespace of its own, up and with
// carrier, a Sender on g0 and an ARP listener on g1.
func vethPair(t *testing.T) (ns string, s *Sender, rx *packet.Conn) {
	ns = nstest.New(t, "garp")
	nstest.IP(t, "-n", ns, "link", "add", "g0", "type", "veth", "peer", "name", "g1")
	nstest.IP(t, "-n", ns, "link", "set", "g0", "up")
	nstest.IP(t, "-n", ns, "link", "set", "g1", "up")
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
	t.Cleanup(func() { s.Close(); rx.Close() })
	// A veth drops what it is given before it has carrier, a moment after
	// both ends are up (longer on a loaded machine).
	waitCarrier(t, ns, "g0")
	return ns, s, rx
}

// A frame the kernel refuses does not take the rest of the burst with
// it: with g0's egress dropping every fifth frame from the first on, a
// burst of 5 arrives as 4, and Announce reports the refusal (issue #16
// item 9: a burst stopped at its first drop under 30 % loss).
func TestAnnounceGoesOnAfterARefusedFrame(t *testing.T) {
	if _, err := exec.LookPath("nft"); err != nil {
		t.Skip("needs nft")
	}
	ns, s, rx := vethPair(t)
	cmd := exec.Command("ip", "netns", "exec", ns, "nft", "-f", "-")
	cmd.Stdin = strings.NewReader("table netdev drop1 {\n chain egress {\n  type filter hook egress device \"g0\" priority 0;\n  arp operation request numgen inc mod 5 == 0 drop\n }\n}\n")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Skipf("no nftables netdev egress here: %v: %s", err, out)
	}
	if err := s.Announce(nil, []netip.Addr{netip.MustParseAddr("192.0.2.7")}, 5); err == nil {
		t.Error("Announce: no error for the refused frame")
	}
	got := 0
	buf := make([]byte, 1500)
	for {
		_ = rx.SetReadDeadline(time.Now().Add(time.Second))
		if _, _, err := rx.ReadFrom(buf); err != nil {
			break
		}
		got++
	}
	if got != 4 {
		t.Errorf("%d frames arrived of a burst of 5 with the first dropped, want 4", got)
	}
}

// TestAnnounceSendsPreparedFrames sends from one end of a veth pair in a
// namespace of its own and reads the other end: count frames per address,
// each byte-identical to Frame's, for prepared and unprepared addresses.
func TestAnnounceSendsPreparedFrames(t *testing.T) {
	_, s, rx := vethPair(t)

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
