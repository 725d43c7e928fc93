package vrrp

import (
	"fmt"
	"net/netip"
	"testing"
	"time"
)

var t0 = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// testInstance has keepalived's defaults (features.md §3, §7) as confparse
// fills them.
func testInstance(name string, prio uint8) Instance {
	return Instance{
		Name: name, VRID: 51, Priority: prio, AdvertInt: time.Second, Version: 2, Family: IPv4,
		Accept: true, DownTimerAdverts: 3,
		GARP: GARP{MasterDelay: 5 * time.Second, MasterRepeat: 5, MasterRefreshRepeat: 1,
			LowerPrioDelay: 5 * time.Second, LowerPrioRepeat: 5},
	}
}

func routerAddr(i int) netip.Addr { return netip.AddrFrom4([4]byte{192, 0, 2, byte(10 + i)}) }

func newSim(t testing.TB, prios ...uint8) *Sim {
	t.Helper()
	s := NewSim(t0)
	for i, p := range prios {
		if _, err := s.AddRouter(testInstance(fmt.Sprintf("r%d", i), p), MachineOptions{Addr: routerAddr(i)}); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

func startAll(t testing.TB, s *Sim) {
	t.Helper()
	for i := range s.Routers {
		if err := s.Start(i); err != nil {
			t.Fatal(err)
		}
	}
}

// checkOneMaster asserts exactly one master holding the addresses and no
// running backup holding them.
func checkOneMaster(t testing.TB, s *Sim, want int) {
	t.Helper()
	ms := s.Masters()
	if len(ms) != 1 || ms[0] != want {
		t.Fatalf("at %s masters %v, want [%d]", s.Now.Sub(t0), ms, want)
	}
	for i, r := range s.Routers {
		if r.Running && r.HasVIPs != (i == want) {
			t.Fatalf("at %s router %d has VIPs=%t (state %s)", s.Now.Sub(t0), i, r.HasVIPs, r.M.State())
		}
	}
}

func TestSimElection(t *testing.T) {
	cases := []struct {
		name  string
		prios []uint8
		want  int
	}{
		{"3 routers, distinct priorities", []uint8{100, 200, 150}, 1},
		{"3 routers, equal priorities: highest address", []uint8{100, 100, 100}, 2},
		{"5 routers, distinct", []uint8{90, 120, 250, 60, 200}, 2},
		{"5 routers, tie at the top", []uint8{200, 50, 200, 100, 199}, 2},
		{"5 routers, owner", []uint8{254, 255, 100, 100, 254}, 1},
		{"16 routers", []uint8{10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120, 130, 140, 150, 1}, 14},
		{"16 routers, all equal", []uint8{7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7}, 15},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := newSim(t, c.prios...)
			startAll(t, s)
			s.RunFor(5 * time.Second)
			checkOneMaster(t, s, c.want)
			// steady state: the master keeps advertising, nobody flaps
			before := s.Routers[c.want].Sent
			s.RunFor(60 * time.Second)
			checkOneMaster(t, s, c.want)
			if got := s.Routers[c.want].Sent - before; got != 60 {
				t.Errorf("master sent %d adverts in 60 s, want 60", got)
			}
		})
	}
}

func TestSimFailoverTimes(t *testing.T) {
	// runtime.md §7 / lab.md: graceful stop → backup takes over after
	// Skew_Time; crash → within Master_Down_Interval of the last advert.
	s := newSim(t, 150, 100)
	startAll(t, s)
	s.RunFor(5 * time.Second)
	checkOneMaster(t, s, 0)
	stopAt := s.Now
	s.Stop(0)
	s.RunFor(5 * time.Second)
	checkOneMaster(t, s, 1)
	if got, want := becameMasterAfter(t, s, 1, stopAt), 609375*time.Microsecond; got != want {
		t.Errorf("takeover after prio-0 advert took %s, want %s", got, want)
	}
	if err := s.Start(0); err != nil {
		t.Fatal(err)
	}
	s.RunFor(5 * time.Second)
	checkOneMaster(t, s, 0)
	s.Crash(0)
	crashAt := s.Now
	s.RunFor(5 * time.Second)
	checkOneMaster(t, s, 1)
	d := becameMasterAfter(t, s, 1, crashAt)
	if d < 2609375*time.Microsecond || d > 3609375*time.Microsecond {
		t.Errorf("takeover after crash took %s, want within [2.609s, 3.609s]", d)
	}
}

// becameMasterAfter reruns nothing: it reads the trace recorded by the sim.
func becameMasterAfter(t testing.TB, s *Sim, i int, since time.Time) time.Duration {
	t.Helper()
	r := s.Routers[i]
	if r.M.State() != StateMaster {
		t.Fatalf("router %d is %s", i, r.M.State())
	}
	return r.BecameMaster.Sub(since)
}
