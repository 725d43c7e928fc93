package daemon

import (
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/vrrp"
)

// An advert deadline off the grid is put off towards its next grid point,
// by gatherStep at most; one on it stays.
func TestGatherAdverts(t *testing.T) {
	ts := timers{epoch: epoch}
	us := func(n int) time.Time { return epoch.Add(time.Duration(n) * time.Microsecond) }
	cases := []struct {
		name   string
		at     time.Time
		wantAt time.Time
	}{
		{"on the grid", us(3 * 10_000), us(3 * 10_000)},
		{"a second on", epoch.Add(7 * time.Second), epoch.Add(7 * time.Second)},
		{"just after a grid point", us(10_001), us(10_501)},
		{"200 µs before one", us(19_800), us(20_000)},
		{"before the epoch", us(-300), us(0)},
		{"far before the epoch", us(-4_000), us(-3_500)},
	}
	for _, c := range cases {
		if got := ts.gather(c.at); !got.Equal(c.wantAt) {
			t.Errorf("%s: gather(%v) = %v, want %v", c.name, c.at.Sub(epoch), got.Sub(epoch), c.wantAt.Sub(epoch))
		}
	}
	var first timers
	if got := first.gather(us(1234)); !got.Equal(us(1234)) || !first.epoch.Equal(us(1234)) {
		t.Errorf("the first advert deadline is moved to %v (epoch %v), want it kept as the grid's epoch", got.Sub(epoch), first.epoch.Sub(epoch))
	}
}

// A timer fires as at its deadline when it is coalesced early, and an
// advert timer also when the loop reaches it less than a grid step late;
// a master-down, handover or BFD detection timer never fires early.
func TestFireAs(t *testing.T) {
	at := epoch.Add(time.Second)
	cases := []struct {
		id       vrrp.TimerID
		now      time.Duration // from at
		asOwnDue bool
	}{
		{vrrp.TimerAdvert, -300 * time.Microsecond, true},
		{vrrp.TimerAdvert, -coalesceSlack, true},
		{vrrp.TimerAdvert, -coalesceSlack - time.Microsecond, false},
		{vrrp.TimerAdvert, 0, true},
		{vrrp.TimerAdvert, 3 * time.Millisecond, true},
		{vrrp.TimerAdvert, advertGrid, false}, // stalled: schedule from now
		{vrrp.TimerGARPRefresh, -300 * time.Microsecond, true},
		{vrrp.TimerGARPRefresh, 3 * time.Millisecond, false},
		{timerBFDTx, -300 * time.Microsecond, true},
		{vrrp.TimerMasterDown, -300 * time.Microsecond, false},
		{vrrp.TimerMasterDown, 3 * time.Millisecond, false},
		{vrrp.TimerHandover, -300 * time.Microsecond, false},
		{timerBFDDetect, -300 * time.Microsecond, false},
	}
	for _, c := range cases {
		now := at.Add(c.now)
		want := now
		if c.asOwnDue {
			want = at
		}
		if got := fireAs(&timer{id: c.id, at: at}, now); !got.Equal(want) {
			t.Errorf("%v reached at deadline%+v: fires as deadline%+v, want %+v", c.id, c.now, got.Sub(at), want.Sub(at))
		}
	}
}

// Masters whose adverts are spread over the second (taken over one after
// another) gather on the grid: the loop then wakes, and each interface
// flushes, at most once a grid step, every master still advertising once
// a second.
func TestScaleAdvertsGather(t *testing.T) {
	if testing.Short() {
		t.Skip("builds 4,080 instances")
	}
	h := mastersAlone(t, 16, 255)
	n := len(h.d.insts)
	base := h.clock.Add(time.Second)
	for i, in := range h.d.insts {
		// 245 µs apart, as 4,080 takeovers in a second leave them.
		h.d.timers.arm(in, vrrp.TimerAdvert, base.Add(time.Duration(i)*time.Second/time.Duration(n)), h.clock)
	}
	second := func() (adverts, passes, flushes uint64) {
		p, f := h.d.timers.passes, h.sys.flushes
		a, _ := masterSecond(h)
		return a, h.d.timers.passes - p, uint64(h.sys.flushes - f)
	}
	h.advance(base.Sub(h.clock) - time.Millisecond) // to just before the first
	_, spreadPasses, spreadFlushes := second()
	for range int(advertGrid/gatherStep) + 1 {
		second()
	}
	adverts, passes, flushes := second()
	t.Logf("4,080 masters spread over a second: %d passes, %d flushes; gathered: %d passes, %d flushes, %d adverts",
		spreadPasses, spreadFlushes, passes, flushes, adverts)
	if adverts != uint64(n) {
		t.Errorf("%d adverts in a second once gathered, want %d", adverts, n)
	}
	// The harness passes once more at the end of the second it advances.
	perSecond := uint64(time.Second/advertGrid) + 1
	if passes > perSecond {
		t.Errorf("%d timer passes in a second once gathered, want at most one a grid step (%d)", passes, perSecond)
	}
	if spreadPasses <= 2*perSecond {
		t.Errorf("spread adverts took only %d passes: the test does not spread them", spreadPasses)
	}
	for _, in := range h.d.insts {
		at := h.deadline(in, vrrp.TimerAdvert)
		if off := at.Sub(h.d.timers.epoch) % advertGrid; off != 0 {
			t.Fatalf("%s: next advert %v off the grid", in.cfg.Name, off)
		}
	}
}
