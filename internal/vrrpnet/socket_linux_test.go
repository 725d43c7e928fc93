package vrrpnet

import (
	"net/netip"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/tools/nstest"
)

// TestArrivalIsKernelTime reads an advert 50 ms after it was delivered and
// expects its arrival to be the delivery, not the read: the master-down
// timer counts from it.
func TestArrivalIsKernelTime(t *testing.T) {
	ns := nstest.New(t, "vnet")
	nstest.IP(t, "-n", ns, "addr", "add", "192.0.2.1/32", "dev", "lo")

	s := openIn(t, ns, "lo")
	defer s.Close()
	dst := netip.MustParseAddr("192.0.2.1")
	waitStamping(t, s, func() {
		if err := s.Send([]byte{0x21, 1, 100, 1, 0, 1, 0, 0}, dst, dst); err != nil {
			t.Fatal(err)
		}
	})
	// A sleep that overran maxStampLag makes the stamp rightly distrusted
	// and says nothing: measure again.
	for try := 0; ; try++ {
		sent := time.Now()
		if err := s.Send([]byte{0x21, 1, 100, 1, 0, 1, 0, 0}, dst, dst); err != nil {
			t.Fatal(err)
		}
		time.Sleep(50 * time.Millisecond)
		read := time.Now()
		p, err := s.Recv()
		if err != nil {
			t.Fatal(err)
		}
		if read.Sub(sent) > maxStampLag-10*time.Millisecond && try < 5 {
			continue
		}
		if p.At.Before(sent) || !p.At.Before(read.Add(-25*time.Millisecond)) {
			t.Fatalf("arrival %v after send, %v before the read; want the kernel's receive time (≈ the send)",
				p.At.Sub(sent), read.Sub(p.At))
		}
		break
	}
	// Without a stamp (the first read after Open, or a clock step) the
	// read time stands in.
	now := time.Now()
	if got := arrival(now.Add(time.Hour), now); !got.Equal(now.Add(time.Hour)) {
		t.Errorf("a stamp an hour old moved the arrival to %v", got)
	}
	if got := arrival(now, time.Time{}); !got.Equal(now) {
		t.Errorf("no stamp moved the arrival to %v", got)
	}
}

// waitStamping calls send until rx reads a packet with its kernel receive
// time: the kernel turns stamping on through a deferred switch a moment
// after a socket asks (again after the last stamping socket closed), and
// until then stamps a packet when it is read; on a loaded machine the
// moment can exceed any fixed sleep.
func waitStamping(t *testing.T, rx *Socket, send func()) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	r := rx.NewReader(16)
	for time.Now().Before(deadline) {
		send()
		time.Sleep(20 * time.Millisecond)
		read := time.Now()
		ps, err := r.Read()
		if err != nil {
			t.Fatal(err)
		}
		if p := ps[len(ps)-1]; p.At.Before(read.Add(-10 * time.Millisecond)) {
			return
		}
	}
	t.Fatal("no packet stamped by the kernel within 10 s")
}

// openIn opens the socket from a thread inside namespace ns; the socket
// stays in it whatever thread reads it later.
func openIn(t *testing.T, ns, ifname string) *Socket { return openFamily(t, ns, ifname, 4) }

func openFamily(t testing.TB, ns, ifname string, family int) *Socket {
	t.Helper()
	var s *Socket
	err := nstest.Run(ns, func() error {
		var err error
		s, err = Open(ifname, family)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}
