package daemon

import (
	"runtime"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/vrrp"
)

func TestPrewakeFor(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	cases := []struct {
		id    vrrp.TimerID
		after time.Duration
		want  time.Duration
	}{
		{vrrp.TimerMasterDown, 3609 * time.Millisecond, prewakeMargin},
		{vrrp.TimerMasterDown, 4 * time.Millisecond, time.Millisecond}, // a quarter of a short timer
		{vrrp.TimerAdvert, time.Second, 0},
		{vrrp.TimerGARPRefresh, time.Minute, 0},
	}
	for _, c := range cases {
		if got := prewakeFor(c.id, c.after); got != c.want {
			t.Errorf("prewakeFor(%v, %v) = %v, want %v", c.id, c.after, got, c.want)
		}
	}
	runtime.GOMAXPROCS(1)
	if got := prewakeFor(vrrp.TimerMasterDown, time.Second); got != 0 {
		t.Errorf("one CPU: prewake %v, want none (the spin would starve the reader)", got)
	}
}

// TestSpin: events that come during the last stretch are handled, an
// event that disarms the timer ends the wait without firing, and
// otherwise the wait ends on the deadline, not before.
func TestSpin(t *testing.T) {
	type tick struct{ disarm bool }
	run := func(evs ...tick) (fired bool, handled int, end, dl time.Time) {
		events := make(chan event, len(evs))
		for _, e := range evs {
			events <- evLink{ifname: "x", up: e.disarm}
		}
		armed := true
		dl = time.Now().Add(20 * time.Millisecond)
		fired = spin(dl, events, func(ev event) {
			handled++
			if ev.(evLink).up {
				armed = false
			}
		}, func() bool { return armed })
		return fired, handled, time.Now(), dl
	}
	if fired, n, end, dl := run(); !fired || n != 0 || end.Before(dl) {
		t.Errorf("no events: fired=%v handled=%d, ended %v before the deadline", fired, n, dl.Sub(end))
	}
	if fired, n, end, dl := run(tick{}, tick{}); !fired || n != 2 || end.Before(dl) {
		t.Errorf("two harmless events: fired=%v handled=%d, ended %v before the deadline", fired, n, dl.Sub(end))
	}
	if fired, n, _, _ := run(tick{}, tick{disarm: true}, tick{}); fired || n != 2 {
		t.Errorf("an event re-armed the timer: fired=%v after %d events, want no fire after 2", fired, n)
	}
}
