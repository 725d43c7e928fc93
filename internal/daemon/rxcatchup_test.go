package daemon

import (
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/vrrp"
)

// On one processor (procs.go) the reader does not run while the loop
// spins before a master-down deadline, so the instance's socket may hold
// more than one Poll takes; the master's advert behind other packets must
// still keep the backup a backup, and a flood must not hold the timer.
func TestMasterDownReadsSocketOn(t *testing.T) {
	for _, tc := range []struct {
		name      string
		before    int // junk packets queued ahead of the master's advert
		wantState vrrp.State
		wantLeft  int // packets left in the socket
	}{
		{"advert behind more than one poll", 9, vrrp.StateBackup, 0},
		{"advert behind a flood", 1000, vrrp.StateMaster, 1000 + 1 - maxCatchUp},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, oneInstance, "eth0=192.0.2.1")
			in := h.d.insts[0]
			b := peerAdvert(t, in)
			dl := h.deadline(in, vrrp.TimerMasterDown)
			ft := h.d.socks[sockKey{"eth0", 4}].t.(*fakeTransport)
			ft.pollMax = 4
			for range tc.before {
				ft.kernel = append(ft.kernel, rxPacket{payload: []byte{0x21}, src: mustAddr("192.0.2.3"),
					dst: vrrp.Group(vrrp.IPv4), ttl: 255, at: dl.Add(-2 * time.Millisecond)})
			}
			ft.kernel = append(ft.kernel, rxPacket{payload: b, src: mustAddr("192.0.2.2"), dst: vrrp.Group(vrrp.IPv4),
				ttl: 255, at: dl.Add(-time.Millisecond)})
			h.clock = dl.Add(time.Millisecond)
			h.d.fireDue()
			if in.m.State() != tc.wantState {
				t.Errorf("state %v, want %v", in.m.State(), tc.wantState)
			}
			if len(ft.kernel) != tc.wantLeft {
				t.Errorf("%d packets left in the socket, want %d", len(ft.kernel), tc.wantLeft)
			}
		})
	}
}
