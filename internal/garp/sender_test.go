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
	b, err := s.Prepare(0, nil, []netip.Addr{netip.MustParseAddr("192.0.2.7")})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Announce(b, 5); err == nil {
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
// each byte-identical to Frame's, for two instances sharing the sender.
func TestAnnounceSendsPreparedFrames(t *testing.T) {
	_, s, rx := vethPair(t)

	a1, a2 := netip.MustParseAddr("192.0.2.7"), netip.MustParseAddr("192.0.2.8")
	b1, err := s.Prepare(0, nil, []netip.Addr{a1})
	if err != nil {
		t.Fatal(err)
	}
	b2, err := s.Prepare(0, nil, []netip.Addr{a2, a1})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Announce(b1, 3); err != nil {
		t.Fatal(err)
	}
	if err := s.AnnounceSome(b2, []netip.Addr{a2}, 3); err != nil {
		t.Fatal(err)
	}
	got := readFrames(t, s, rx, 6)
	if got[a1] != 3 || got[a2] != 3 {
		t.Errorf("frames per address: %v, want 3 each", got)
	}
	// One instance forgetting its block leaves the other's frames
	// (counted without a socket in TestCollectAllocatesNothing).
	s.Forget(b1)
	if err := s.Announce(b1, 1); err == nil {
		t.Error("Announce of a forgotten block: no error")
	}
	if err := s.Announce(b2, 1); err != nil {
		t.Fatal(err)
	}
	if got := readFrames(t, s, rx, 2); got[a1] != 1 || got[a2] != 1 {
		t.Errorf("after Forget, the other block sent %v, want one each", got)
	}
}

// readFrames reads n ARP frames off rx, each Frame's for its address, and
// counts them by address.
func readFrames(t *testing.T, s *Sender, rx *packet.Conn, n int) map[netip.Addr]int {
	t.Helper()
	got := map[netip.Addr]int{}
	buf := make([]byte, 1500)
	for i := 0; i < n; i++ {
		_ = rx.SetReadDeadline(time.Now().Add(2 * time.Second))
		k, _, err := rx.ReadFrom(buf)
		if err != nil {
			t.Fatalf("frame %d: %v (got %v)", i+1, err, got)
		}
		f := buf[:k]
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
	return got
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
