package vrrp

import (
	"fmt"
	"net/netip"
	"testing"
	"time"
)

// A flood of lower-priority adverts, from one source or from many spoofed
// ones, gets no wire answer beyond the one that started the episode (the
// periodic adverts answer it), a new episode after a quiet spell gets one,
// and notifies stay bounded by the source table.
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
			if adverts != 0 || garps != 0 {
				t.Errorf("answers in 30 s of an answered episode: %d adverts, %d GARP bursts; want 0", adverts, garps)
			}
			again := m.Handle(now.Add(33*time.Second), AdvertReceived(netip.MustParseAddr("192.0.2.2"), 50, time.Second, 2))
			if !hasKind(again, ActSendAdvert) || !hasKind(again, ActSendGARP) {
				t.Errorf("after 3 s of quiet a lower-priority advert got %v, want an advert and a GARP burst", again)
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

func hasKind(as []Action, k ActionKind) bool {
	for _, a := range as {
		if a.Kind == k {
			return true
		}
	}
	return false
}

// The per-source table costs what it holds: a master that answered one
// lower-priority peer keeps one entry for it, not room for sixteen
// (thousands of masters answer their yielding peer at start-up).
func TestLowerPrioTableSmall(t *testing.T) {
	m, now := tableMachine(t, StateMaster) // answered 192.0.2.2 at now
	for i := range 5 {
		m.Handle(now.Add(time.Duration(i)*time.Second), AdvertReceived(netip.MustParseAddr("192.0.2.2"), 50, time.Second, 2))
	}
	if n, c := len(m.lower.notified), cap(m.lower.notified); n != 1 || c > 2 {
		t.Errorf("one source heard: table of %d entries, room for %d; want 1, at most 2", n, c)
	}
}

// The end of a lower-priority episode is announced once: the periodic
// advert after two quiet intervals carries one GARP burst, later ones do
// not, the episode's table is let go, and the next lower-priority advert
// is a new episode, answered and notified.
func TestLowerPrioEpisodeEndAnnounced(t *testing.T) {
	m, answered := tableMachine(t, StateMaster) // answered 192.0.2.2 at answered
	peer := netip.MustParseAddr("192.0.2.2")
	at := func(d time.Duration) time.Time { return answered.Add(d) }
	bursts := func(as []Action) (n int) {
		for _, a := range as {
			if a.Kind == ActSendGARP {
				if a.Count != m.inst.GARP.LowerPrioRepeat {
					t.Errorf("burst of %d, want garp_lower_prio_repeat %d", a.Count, m.inst.GARP.LowerPrioRepeat)
				}
				n++
			}
		}
		return n
	}
	for _, step := range []struct {
		at     time.Duration
		ev     Event
		bursts int
	}{
		// the peer has not yielded yet: it goes on advertising
		{500 * time.Millisecond, AdvertReceived(peer, 50, time.Second, 2), 0},
		{time.Second, TimerFired(TimerAdvert), 0},
		{1500 * time.Millisecond, AdvertReceived(peer, 50, time.Second, 2), 0},
		{2 * time.Second, TimerFired(TimerAdvert), 0},
		// quiet since 1.5 s: not two intervals at 3 s, two at 4 s
		{3 * time.Second, TimerFired(TimerAdvert), 0},
		{4 * time.Second, TimerFired(TimerAdvert), 1},
		{5 * time.Second, TimerFired(TimerAdvert), 0},
		{6 * time.Second, TimerFired(TimerAdvert), 0},
	} {
		if got := bursts(m.Handle(at(step.at), step.ev)); got != step.bursts {
			t.Errorf("%v at +%v: %d GARP bursts, want %d", step.ev, step.at, got, step.bursts)
		}
	}
	if m.lower != nil {
		t.Errorf("the lower-priority table outlived its episode: %+v", *m.lower)
	}
	again := m.Handle(at(6500*time.Millisecond), AdvertReceived(peer, 50, time.Second, 2))
	if !hasKind(again, ActSendAdvert) || bursts(again) != 1 || !hasKind(again, ActNotifyLowerPrio) {
		t.Errorf("a lower-priority advert after the end got %v, want an answer and a notify", again)
	}
}
