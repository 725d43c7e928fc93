package vrrp

import (
	"fmt"
	"net/netip"
	"testing"
	"time"
)

// A flood of lower-priority adverts, from one source or from many spoofed
// ones, gets one wire answer per advert interval, and notifies stay
// bounded by the source table.
func TestLowerPrioFloodBounded(t *testing.T) {
	for _, sources := range []int{1, 1000} {
		t.Run(fmt.Sprint(sources, "-sources"), func(t *testing.T) {
			m, now := tableMachine(t, StateMaster) // answered 192.0.2.2 at now
			now = now.Add(time.Second)
			adverts, garps, notifies := 0, 0, 0
			// 30 s at 10 kpps (one packet every 100 µs).
			for i := range 300_000 {
				at := now.Add(time.Duration(i) * 100 * time.Microsecond)
				src := netip.AddrFrom4([4]byte{198, 51, 100, byte(i % sources)})
				if sources > 1 {
					src = netip.AddrFrom4([4]byte{198, 51, byte(i / 256 % sources), byte(i % 256)})
				}
				for _, a := range m.Handle(at, AdvertReceived(src, 50, time.Second, 2)) {
					switch a.Kind {
					case ActSendAdvert:
						adverts++
					case ActSendGARP:
						garps++
					case ActNotifyLowerPrio:
						notifies++
					}
				}
			}
			if adverts != 30 || garps != 30 {
				t.Errorf("answers in 30 s: %d adverts, %d GARP bursts; want 30 and 30", adverts, garps)
			}
			if max := 30 * lowerPrioSources; notifies > max || notifies < 30 {
				t.Errorf("notifies in 30 s: %d, want 30..%d", notifies, max)
			}
			if len(m.lower.notified) > lowerPrioSources {
				t.Errorf("source table grew to %d", len(m.lower.notified))
			}
		})
	}
}
