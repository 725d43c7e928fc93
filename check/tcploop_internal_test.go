package check

import (
	"testing"
	"time"
)

func TestNextDue(t *testing.T) {
	t0 := time.Unix(1000, 0)
	ms := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Millisecond) }
	cases := []struct {
		name            string
		due, start, end time.Time
		delay           time.Duration
		want            time.Time
	}{
		{"on time, fast", ms(0), ms(0), ms(1), time.Second, ms(1000)},
		{"started late in its slot keeps the rhythm", ms(0), ms(9), ms(10), time.Second, ms(1000)},
		{"ran past the delay: a full delay after the end", ms(0), ms(0), ms(5000), time.Second, ms(6000)},
		{"retry after a quick failure", ms(0), ms(2), ms(3), 300 * time.Millisecond, ms(300)},
		{"so late the rhythm is past: no catch-up burst", ms(0), ms(1500), ms(1501), time.Second, ms(2501)},
	}
	for _, c := range cases {
		if got := nextDue(c.due, c.start, c.end, c.delay); !got.Equal(c.want) {
			t.Errorf("%s: next due %v, want %v", c.name, got.Sub(t0), c.want.Sub(t0))
		}
	}
}

func TestSlotEnd(t *testing.T) {
	l := &tcpLoop{epoch: time.Unix(1000, 0), slot: 10 * time.Millisecond}
	for _, c := range []struct{ in, want time.Duration }{
		{0, 0}, {1, 10 * time.Millisecond}, {10 * time.Millisecond, 10 * time.Millisecond},
		{10*time.Millisecond + 1, 20 * time.Millisecond},
	} {
		if got := l.slotEnd(l.epoch.Add(c.in)).Sub(l.epoch); got != c.want {
			t.Errorf("slotEnd(+%v) = +%v, want +%v", c.in, got, c.want)
		}
	}
	l.slot = 0
	if got := l.slotEnd(l.epoch.Add(3)); !got.Equal(l.epoch.Add(3)) {
		t.Errorf("no slot: %v", got)
	}
}
