package vrrpnet

import (
	"net/netip"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/tools/nstest"
)

// TestArrivalIsKernelTime reads an advert 50 ms after it was delivered and
// expects its arrival to be the delivery, not the read: the master-down
// timer counts from it. The kernel turns stamping on through a deferred
// switch when the system's first timestamping socket opens, so on a fresh
// machine the first packets may carry no stamp: warm up until one does
// (a daemon that never reads stamps never gets there), then measure. A
// measurement whose sleep overran maxStampLag says nothing and is redone.
func TestArrivalIsKernelTime(t *testing.T) {
	ns := nstest.New(t, "vnet")
	nstest.IP(t, "-n", ns, "addr", "add", "192.0.2.1/32", "dev", "lo")

	s := openIn(t, ns, "lo")
	defer s.Close()
	dst := netip.MustParseAddr("192.0.2.1")
	advert := []byte{0x21, 1, 100, 1, 0, 1, 0, 0}
	lateRead := func(delay time.Duration) (sent, read, at time.Time) {
		t.Helper()
		sent = time.Now()
		if err := s.Send(advert, dst, dst); err != nil {
			t.Fatal(err)
		}
		time.Sleep(delay)
		read = time.Now()
		p, err := s.Recv()
		if err != nil {
			t.Fatal(err)
		}
		return sent, read, p.At
	}
	warm := false
	for deadline := time.Now().Add(5 * time.Second); !warm && time.Now().Before(deadline); {
		_, read, at := lateRead(20 * time.Millisecond)
		warm = read.Sub(at) >= 10*time.Millisecond
	}
	if !warm {
		t.Fatal("no packet carried a kernel receive time within 5 s: every arrival was the read time")
	}
	for try := 0; ; try++ {
		sent, read, at := lateRead(50 * time.Millisecond)
		if read.Sub(sent) > maxStampLag-10*time.Millisecond && try < 5 {
			continue // the sleep overran; the stamp is rightly distrusted
		}
		if at.Before(sent) || !at.Before(read.Add(-25*time.Millisecond)) {
			t.Fatalf("arrival %v after send, %v before the read; want the kernel's receive time (≈ the send)",
				at.Sub(sent), read.Sub(at))
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
