package daemon

import (
	"net/netip"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/vrrp"
)

// FuzzReceive feeds arbitrary packets to a running executor: whatever
// arrives, it must not panic, every packet that does not reach a machine
// is counted as a drop, and the instances stay in a valid state.
func FuzzReceive(f *testing.F) {
	f.Add([]byte{0x21, 0x01, 0xc8, 0x01, 0x00, 0x01, 0x00, 0x00, 192, 0, 2, 100, 0, 0, 0, 0, 0, 0, 0, 0}, uint8(255), false)
	f.Add([]byte{0x31, 0x02, 0x64, 0x01, 0x00, 0x64, 0x00, 0x00, 192, 0, 2, 200}, uint8(255), true)
	f.Add([]byte{0x21}, uint8(64), false)
	f.Add([]byte{}, uint8(255), false)
	f.Fuzz(func(t *testing.T, data []byte, ttl uint8, unicast bool) {
		h := newHarness(t, twoInstances, "eth0=192.0.2.1")
		s := h.d.socks[sockKey{"eth0", 4}]
		dst := vrrp.Group(vrrp.IPv4)
		if unicast {
			dst = netip.MustParseAddr("192.0.2.1")
		}
		n := len(data)
		h.d.handle(evPacket{sock: s, at: h.clock, data: data, rx: vrrp.RxFacts{Src: netip.MustParseAddr("192.0.2.2"),
			Dst: dst, TTL: ttl, TotalLen: n, RxLen: n}})
		var counted uint64
		for _, in := range h.d.insts {
			counted += in.stats.advertRcvd
			for _, c := range in.stats.drops {
				counted += c
			}
			if st := in.m.State(); st != vrrp.StateBackup && st != vrrp.StateMaster {
				t.Fatalf("%s in %v after one packet", in.cfg.Name, st)
			}
		}
		for _, c := range s.drops {
			counted += c
		}
		if counted != 1 {
			t.Fatalf("packet counted %d times (received or dropped), want once", counted)
		}
		h.advance(5 * time.Second)
	})
}
