package daemon

import (
	"fmt"
	"net/netip"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/internal/vrrpnet"
	"github.com/govrrpd/govrrpd/tools/nstest"
)

// settledGoroutines waits (30 s at most) until no more than want
// goroutines run and returns how many do: goroutines that just ended may
// still be counted for a moment.
func settledGoroutines(want int) int {
	deadline := time.Now().Add(30 * time.Second)
	n := runtime.NumGoroutine()
	for n > want && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
		n = runtime.NumGoroutine()
	}
	return n
}

// TestOneReaderForAllSockets: the advert sockets of N interfaces cost one
// reader goroutine between them, not one each, and it delivers every
// socket's adverts to that socket's delivery; closing the system ends it.
func TestOneReaderForAllSockets(t *testing.T) {
	a, b := nstest.New(t, "ora"), nstest.New(t, "orb")
	const n, each = 6, 10
	for i := range n {
		v, w := fmt.Sprintf("v%d", i), fmt.Sprintf("w%d", i)
		nstest.IP(t, "-n", a, "link", "add", v, "type", "veth", "peer", "name", w, "netns", b)
		nstest.IP(t, "-n", a, "addr", "add", fmt.Sprintf("192.0.2.%d/32", 2*i+1), "dev", v, "nodad")
		nstest.IP(t, "-n", b, "addr", "add", fmt.Sprintf("192.0.2.%d/32", 2*i+2), "dev", w, "nodad")
		nstest.IP(t, "-n", a, "link", "set", v, "up")
		nstest.IP(t, "-n", b, "link", "set", w, "up")
	}
	base := runtime.NumGoroutine()
	ls := &linuxSystem{}
	var got [n]atomic.Int32
	var ts []transport
	for i := range n {
		err := nstest.Run(a, func() error {
			tr, err := ls.OpenTransport(fmt.Sprintf("v%d", i), 4, func(e *evPackets) *evPackets {
				for _, p := range e.pkts {
					if int(p.payload[1]) != i+1 {
						t.Errorf("socket %d got VRID %d", i, p.payload[1])
					}
				}
				got[i].Add(int32(len(e.pkts)))
				e.reset()
				return e
			})
			if err == nil {
				ts = append(ts, tr)
				err = tr.Join(vrrpnet.Group4)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if g := settledGoroutines(base + 1); g > base+1 {
		t.Errorf("%d goroutines more with %d sockets open, want one reader", g-base, n)
	}

	for i := range n {
		var inj *vrrpnet.Socket
		if err := nstest.Run(b, func() (err error) { inj, err = vrrpnet.Open(fmt.Sprintf("w%d", i), 4); return err }); err != nil {
			t.Fatal(err)
		}
		for range each {
			if err := inj.Send([]byte{0x31, byte(i + 1), 100, 0, 0, 100, 0, 0}, netip.Addr{}, vrrpnet.Group4); err != nil {
				t.Fatal(err)
			}
		}
		inj.Close()
	}
	deadline := time.Now().Add(30 * time.Second)
	for i := range n {
		for got[i].Load() < each && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		if g := got[i].Load(); g != each {
			t.Errorf("socket %d: %d adverts delivered, want %d", i, g, each)
		}
	}

	for _, tr := range ts {
		tr.Close()
	}
	ls.Close()
	if g := settledGoroutines(base); g > base {
		t.Errorf("%d goroutines more after closing", g-base)
	}
}
