package vrrp

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

// randomSim builds n routers with random priorities, each with a weighted
// script tracker so tracker results move effective priorities too.
func randomSim(t *testing.T, rng *rand.Rand, n int, nopreempt bool) *Sim {
	t.Helper()
	s := NewSim(t0)
	for i := range n {
		in := testInstance(fmt.Sprintf("r%d", i), uint8(1+rng.IntN(254)))
		in.TrackScripts = []TrackRef{{Name: "load"}}
		in.Nopreempt = nopreempt && rng.IntN(2) == 0
		defs := DefsFrom([]ScriptTracker{{Name: "load", Weight: -(10 + rng.IntN(80))}}, nil, nil)
		tr, err := NewTracking(&in, nil, defs)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddRouter(in, MachineOptions{Addr: routerAddr(i), Tracking: tr}); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// randomOp applies one random disturbance and describes it.
func randomOp(s *Sim, rng *rand.Rand) string {
	i := rng.IntN(len(s.Routers))
	r := s.Routers[i]
	switch op := rng.IntN(8); {
	case op == 0 && r.Running:
		s.Crash(i)
		return fmt.Sprintf("crash r%d", i)
	case op == 1 && r.Running:
		s.Stop(i)
		return fmt.Sprintf("stop r%d", i)
	case op <= 1:
		if err := s.Start(i); err != nil {
			panic(err)
		}
		return fmt.Sprintf("start r%d", i)
	case op == 2:
		p := uint8(1 + rng.IntN(254))
		r.Inst.Priority = p // survives restarts
		s.Deliver(i, PriorityChanged(p))
		return fmt.Sprintf("priority r%d %d", i, p)
	case op == 3 || op == 4:
		up := rng.IntN(2) == 0
		s.Deliver(i, TrackerUp(TrackKindScript, "load", up))
		return fmt.Sprintf("script r%d up=%t", i, up)
	case op == 5:
		up := rng.IntN(3) != 0
		s.Deliver(i, InterfaceState(up))
		return fmt.Sprintf("iface r%d up=%t", i, up)
	case op == 6:
		r.Linked = !r.Linked
		return fmt.Sprintf("link r%d %t", i, r.Linked)
	}
	return "wait"
}

// checkElected is the invariant after the settle time: among the running,
// linked routers not in FAULT, exactly one is MASTER, it alone holds the
// addresses, and no router that may preempt has a higher effective
// priority. Equal priorities do not preempt (RFC 5798 §6.4.2), so among
// equals the incumbent stays; the tie-break by address is checked where
// two masters meet (TestSimElection, scenarios).
func checkElected(s *Sim) error {
	master := -1
	eligible := 0
	for i, r := range s.Routers {
		if r.Running && r.M.OwnFault() && (r.M.State() != StateFault || r.HasVIPs) {
			return fmt.Errorf("r%d is faulty but %s with VIPs=%t", i, r.M.State(), r.HasVIPs)
		}
		if !s.eligible(i) {
			continue
		}
		eligible++
		if s.Routers[i].M.State() == StateMaster {
			if master >= 0 {
				return fmt.Errorf("two masters: r%d and r%d", master, i)
			}
			master = i
		}
	}
	if eligible == 0 {
		return nil
	}
	if master < 0 {
		return fmt.Errorf("no master among %d eligible routers", eligible)
	}
	mp := s.Routers[master].M.Priority()
	for i, r := range s.Routers {
		if !s.eligible(i) {
			continue
		}
		if r.HasVIPs != (i == master) {
			return fmt.Errorf("r%d (%s) has VIPs=%t", i, r.M.State(), r.HasVIPs)
		}
		if i != master && !r.M.nopreempt() && r.M.Priority() > mp {
			return fmt.Errorf("r%d priority %d > master r%d priority %d", i, r.M.Priority(), master, mp)
		}
	}
	return nil
}

func describe(s *Sim) string {
	out := ""
	for i, r := range s.Routers {
		out += fmt.Sprintf(" r%d[run=%t link=%t %s/%d np=%t]", i, r.Running, r.Linked, r.M.State(), r.M.Priority(),
			r.M.nopreempt())
	}
	return out
}

func TestSimRandom(t *testing.T) {
	const steps = 10000
	cases := []struct {
		seed      uint64
		nopreempt bool
		latency   time.Duration
	}{{1, false, 0}, {2, false, 0}, {3, false, 0}, {4, true, 0}, {5, true, 0}, {6, false, 3 * time.Millisecond},
		{7, true, 20 * time.Millisecond}}
	for _, c := range cases {
		t.Run(fmt.Sprintf("seed%d-nopreempt=%t-latency=%s", c.seed, c.nopreempt, c.latency), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(c.seed, 0x5eed))
			n := 3 + rng.IntN(3)
			s := randomSim(t, rng, n, c.nopreempt)
			s.Latency = c.latency
			startAll(t, s)
			// settle: a full Master_Down_Interval (≤ 3 s + 255/256 s) from
			// the last accepted advert, then one advert for the loser to
			// yield; doubled for margin
			settle := 2 * time.Duration(s.Routers[0].Inst.DownTimerAdverts+1) * s.Routers[0].Inst.AdvertInt
			s.RunFor(settle)
			quiet := 2 * s.Routers[0].Inst.AdvertInt
			transitions := 0
			s.Trace = func(_ time.Time, _, _ int, a Action) {
				if a.Kind == ActNotify && a.State == StateMaster {
					transitions++
				}
			}
			var last [8]string
			for step := range steps {
				last[step%len(last)] = randomOp(s, rng)
				s.RunFor(settle)
				before := transitions
				s.RunFor(quiet)
				err := checkElected(s)
				if err == nil && transitions != before {
					err = fmt.Errorf("still changing masters %s after the settle time", quiet)
				}
				if err != nil {
					t.Fatalf("%d routers, step %d at %s: %v\nrecent ops: %q\n%s", n, step, s.Now.Sub(t0), err, last,
						describe(s))
				}
			}
			t.Logf("%d routers, %d steps, %d master transitions, %s simulated", n, steps, transitions, s.Now.Sub(t0))
		})
	}
}
