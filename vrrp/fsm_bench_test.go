package vrrp

import (
	"net/netip"
	"testing"
	"time"
)

// BenchmarkHandleAdvert is the hot path: a backup accepting its master's
// advert (re-arming the master-down timer), and a master answering a
// lower-priority one. Both must not allocate.
func BenchmarkHandleAdvert(b *testing.B) {
	for _, c := range []struct {
		name string
		prio uint8
	}{{"backup-accepts", 200}, {"master-hears-lower", 50}} {
		b.Run(c.name, func(b *testing.B) {
			in := testInstance("VI_1", 100)
			m, err := NewMachine(&in, MachineOptions{Addr: netip.MustParseAddr("192.0.2.1")})
			if err != nil {
				b.Fatal(err)
			}
			now := t0
			m.Handle(now, Startup())
			if c.prio < 100 {
				now = now.Add(m.masterDown())
				m.Handle(now, TimerFired(TimerMasterDown))
			}
			ev := AdvertReceived(netip.MustParseAddr("192.0.2.2"), c.prio, time.Second, 2)
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				now = now.Add(time.Second)
				if len(m.Handle(now, ev)) == 0 {
					b.Fatal("no action")
				}
			}
		})
	}
}

func TestHandleAdvertAllocs(t *testing.T) {
	in := testInstance("VI_1", 100)
	m, err := NewMachine(&in, MachineOptions{Addr: netip.MustParseAddr("192.0.2.1")})
	if err != nil {
		t.Fatal(err)
	}
	now := t0
	m.Handle(now, Startup())
	ev := AdvertReceived(netip.MustParseAddr("192.0.2.2"), 200, time.Second, 2)
	if n := testing.AllocsPerRun(1000, func() { now = now.Add(time.Second); m.Handle(now, ev) }); n != 0 {
		t.Errorf("Handle(advert) allocates %.1f times per call", n)
	}
}
