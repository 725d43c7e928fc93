package daemon

import (
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/vrrp"
)

// Two routers started together reach their master-down expiries together
// and take over one instance after another, each takeover a netlink round
// trip. An advert of the higher priority that arrives while one takeover
// is under way must stop the takeover of its instance that comes after
// (issue #12: the backup took over and gave back thousands at start-up).
func TestMasterDownBacklogSeesLaterAdverts(t *testing.T) {
	for _, tc := range []struct {
		name     string
		addTakes time.Duration // the clock's advance inside each VIP add
		want     vrrp.State    // VI_2's state after the pass
	}{
		{"advert queued redrainAfter after the last look", redrainAfter, vrrp.StateBackup},
		{"advert queued within redrainAfter of the last look", redrainAfter / 4, vrrp.StateMaster},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, instanceText("VI_1", "eth0", 1, 100, "192.0.2.100/24")+
				instanceText("VI_2", "eth0", 2, 100, "192.0.2.101/24"), "eth0=192.0.2.1")
			first, second := h.d.insts[0], h.d.insts[1]
			dl1 := h.deadline(first, vrrp.TimerMasterDown)
			if dl2 := h.deadline(second, vrrp.TimerMasterDown); !dl2.Equal(dl1) {
				t.Fatalf("deadlines %v and %v, want one instant", dl1, dl2)
			}
			b := peerAdvertFor(t, second, 2)
			ft := h.d.socks[sockKey{"eth0", 4}].t.(*fakeTransport)
			h.sys.addHook = func(_ string, a vrrp.Address) {
				h.clock = h.clock.Add(tc.addTakes)
				if a.Prefix.Addr() == mustAddr("192.0.2.100") {
					// The peer's advert for VI_2 lands in the socket while
					// VI_1's VIP is being added.
					ft.kernel = []rxPacket{{payload: b, src: mustAddr("192.0.2.2"), dst: vrrp.Group(vrrp.IPv4),
						ttl: 255, at: h.clock}}
				}
			}
			h.clock = dl1
			h.d.fireDue()
			if s := first.m.State(); s != vrrp.StateMaster {
				t.Fatalf("VI_1 %v, want MASTER (nothing was queued for it)", s)
			}
			if s := second.m.State(); s != tc.want {
				t.Fatalf("VI_2 %v, want %v", s, tc.want)
			}
		})
	}
}

// A flood cannot hold a due master-down timer: the loop looks at the
// queue once for it, however long that took; another timer is looked at
// again only redrainAfter after the last look.
func TestDrainMark(t *testing.T) {
	a, b := &instance{}, &instance{}
	t0 := time.Unix(1000, 0)
	var m drainMark
	steps := []struct {
		name string
		in   *instance
		at   time.Time
		want bool
	}{
		{"first timer of the pass", a, t0, true},
		{"same timer after its look, however late", a, t0.Add(time.Second), false},
		{"another timer within redrainAfter", b, t0.Add(redrainAfter - 1), false},
		{"another timer redrainAfter later", b, t0.Add(redrainAfter), true},
		{"that timer again", b, t0.Add(3 * redrainAfter), false},
		{"the first again, redrainAfter after the last look", a, t0.Add(3 * redrainAfter), true},
	}
	for _, s := range steps {
		if got := m.due(&timer{in: s.in, id: vrrp.TimerMasterDown}, s.at); got != s.want {
			t.Fatalf("%s: due %v, want %v", s.name, got, s.want)
		}
	}
}

// peerAdvertFor is the advert a master at 192.0.2.2 with priority 200
// sends for in's router, VRID vrid.
func peerAdvertFor(t *testing.T, in *instance, vrid uint8) []byte {
	t.Helper()
	var a vrrp.Advert
	if err := in.adv.fill(&a, vrid, 200, vipsOf(in)); err != nil {
		t.Fatal(err)
	}
	b, err := a.AppendTo(nil, mustAddr("192.0.2.2"), vrrp.Group(vrrp.IPv4), vrrp.ChecksumDefault)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
