package garp

import (
	"bytes"
	"fmt"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"runtime"
	"testing"
	"time"

	"github.com/mdlayher/packet"
	"golang.org/x/sys/unix"
)

// TestAnnounceSendsPreparedFrames sends from one end of a veth pair in a
// namespace of its own and reads the other end: count frames per address,
// each byte-identical to Frame's, for prepared and unprepared addresses.
func TestAnnounceSendsPreparedFrames(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root: AF_PACKET sockets in a namespace of its own")
	}
	ns := fmt.Sprintf("govrrpd-garp-%d", os.Getpid())
	ip := func(args ...string) {
		if out, err := exec.Command("ip", args...).CombinedOutput(); err != nil {
			t.Fatalf("ip %v: %v: %s", args, err, out)
		}
	}
	ip("netns", "add", ns)
	t.Cleanup(func() { _ = exec.Command("ip", "netns", "del", ns).Run() })
	ip("-n", ns, "link", "add", "g0", "type", "veth", "peer", "name", "g1")
	ip("-n", ns, "link", "set", "g0", "up")
	ip("-n", ns, "link", "set", "g1", "up")

	var s *Sender
	var rx *packet.Conn
	inNS(t, ns, func() error {
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
	defer s.Close()
	defer rx.Close()

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
}

// inNS runs fn on a thread inside ns; sockets it opens stay there.
func inNS(t *testing.T, ns string, fn func() error) {
	t.Helper()
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread() // stays locked (thread discarded) if it cannot return
		orig, err := os.Open("/proc/thread-self/ns/net")
		if err != nil {
			errc <- err
			return
		}
		defer orig.Close()
		target, err := os.Open("/var/run/netns/" + ns)
		if err != nil {
			errc <- err
			return
		}
		defer target.Close()
		if err := unix.Setns(int(target.Fd()), unix.CLONE_NEWNET); err != nil {
			errc <- err
			return
		}
		err = fn()
		if unix.Setns(int(orig.Fd()), unix.CLONE_NEWNET) == nil {
			runtime.UnlockOSThread()
		}
		errc <- err
	}()
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
}
